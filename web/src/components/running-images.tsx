import type { DeployedImage } from '../api/environment-types.ts';
import { DigestText } from './digest-text.tsx';

/**
 * The images an environment runs, as its current deployment recorded them: each container's image
 * and the digest the registry resolved it to, the one thing that tells a rebuild from the build
 * before it. Nothing when the deployment ran no images (a script job, an external deployer).
 */
export function RunningImages({ images, labelledBy }: { images: DeployedImage[]; labelledBy: string }) {
  return (
    <div className="table-wrap">
      <table aria-labelledby={labelledBy}>
        <thead>
          <tr>
            <th>Container</th>
            <th>Digest</th>
            <th className="hide-small">Image</th>
          </tr>
        </thead>
        <tbody>
          {images.map((image) => (
            <tr key={image.container}>
              <td>
                {image.container}
                {/* On a phone the image goes under its container instead of in a column off screen. */}
                <div className="show-small podman-image">
                  <code>{image.image}</code>
                </div>
              </td>
              <td>
                {image.digest ? <DigestText digest={image.digest} /> : <span className="muted">unknown</span>}
              </td>
              <td className="hide-small podman-image">
                <code>{image.image}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

import { useState } from 'react';
import { shortDigest } from '../lib/digest.ts';
import '../images.css';

/**
 * An image digest, short (`sha256:0123456789ab`, the full one on hover), with a button copying
 * the full digest. Without clipboard access (an insecure origin) the button shows the full digest
 * instead, selected, for the user to copy.
 */
export function DigestText({ digest }: { digest: string }) {
  const [copied, setCopied] = useState<'copied' | 'shown'>();
  const short = shortDigest(digest);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(digest);
      setCopied('copied');
    } catch {
      setCopied('shown');
    }
  };
  return (
    <span className="digest">
      {copied === 'shown' ? (
        <input
          className="mono digest-full"
          readOnly
          value={digest}
          aria-label={`Digest ${short}`}
          ref={(input) => input?.select()}
        />
      ) : (
        <code title={digest}>{short}</code>
      )}
      <button
        type="button"
        className="button button-small"
        aria-label={`Copy digest ${short}`}
        onClick={() => void copy()}
      >
        {copied === 'copied' ? 'Copied' : 'Copy'}
      </button>
    </span>
  );
}

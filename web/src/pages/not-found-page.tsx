import { Link } from 'wouter';

export function NotFoundPage() {
  return (
    <div className="card empty">
      <h1>Page not found</h1>
      <p>
        Nothing lives at this address. <Link href="/projects">Go to the projects</Link>.
      </p>
    </div>
  );
}

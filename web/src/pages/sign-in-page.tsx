import { type FormEvent, useState } from 'react';
import { ErrorMessage } from '../components/error-message.tsx';
import { useAction } from '../components/use-action.ts';
import { useSession } from '../session.tsx';

/** Username and password; on success the page the user asked for renders in place. */
export function SignInPage() {
  const { signIn } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const submit = useAction(() => signIn(username, password));

  return (
    <main className="shell-main sign-in">
      <div className="card stack">
        <h1>Sign in to Gantry</h1>
        <form
          className="form"
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            void submit.run();
          }}
        >
          <div className="field">
            <label htmlFor="username">Username</label>
            <input
              id="username"
              autoComplete="username"
              value={username}
              onChange={(event) => setUsername(event.target.value)}
              required
            />
          </div>
          <div className="field">
            <label htmlFor="password">Password</label>
            <input
              id="password"
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(event) => setPassword(event.target.value)}
              required
            />
          </div>
          <ErrorMessage error={submit.error} />
          <button type="submit" className="button button-primary" disabled={submit.busy}>
            {submit.busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}

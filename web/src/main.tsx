import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SignInPage } from './pages/sign-in-page.tsx';
import { AppRoutes } from './routes.tsx';
import { SessionProvider } from './session.tsx';
import { Shell } from './shell.tsx';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider signedOut={<SignInPage />}>
      <Shell>
        <AppRoutes />
      </Shell>
    </SessionProvider>
  </StrictMode>,
);

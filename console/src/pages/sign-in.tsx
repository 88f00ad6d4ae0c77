/**
 * Signing in. Locally: a tenant name (and an admin flag) for the local issuer (`POST /local/token`).
 * With Cognito: its hosted UI (authorization code with PKCE), back at `/auth/callback`. An IAM
 * deployment cannot sign a browser in, and the page says so.
 */
import { useLocation } from 'preact-iso';
import { useEffect, useRef, useState } from 'preact/hooks';
import { beginSignIn, completeSignIn } from '../auth/cognito';
import { useApp } from '../context';
import { sessionFromTokens, signInLocally } from '../session';
import { ErrorAlert, PageHeader } from '../ui';

const callbackUri = () => `${location.origin}/auth/callback`;
const nextKey = 'elastic-caffe.next';

/** Where to go after signing in: the page that sent the visitor here, never another site. */
function nextPath(query: Record<string, string>): string {
  const next = query.next ?? '/';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

function LocalSignIn({ next }: { next: string }) {
  const { config, signIn } = useApp();
  const { route } = useLocation();
  const [tenant, setTenant] = useState('');
  const [admin, setAdmin] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  return (
    <form
      class="card narrow"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          signIn(await signInLocally(config, tenant.trim(), admin));
          route(next);
        } catch (e) {
          setError(e);
          setBusy(false);
        }
      }}
    >
      <p>
        This is the local cloud (<code>npm start</code>): pick any tenant name. Each tenant sees only its own records.
      </p>
      <div class="field">
        <label for="tenant">Tenant</label>
        <input
          id="tenant"
          name="tenant"
          required
          autoComplete="username"
          pattern="[A-Za-z0-9_+=,.@:\-]{1,128}"
          title="1–128 letters, digits and _ + = , . @ : -"
          value={tenant}
          onInput={(e) => setTenant((e.target as HTMLInputElement).value)}
        />
      </div>
      <div class="field checkbox">
        <input
          id="admin"
          type="checkbox"
          checked={admin}
          onChange={(e) => setAdmin((e.target as HTMLInputElement).checked)}
        />
        <label for="admin">Admin</label>
      </div>
      <ErrorAlert error={error} prefix="Could not sign in" />
      <button type="submit" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}

function CognitoSignIn({ next }: { next: string }) {
  const { config } = useApp();
  const [error, setError] = useState<unknown>();
  if (config.auth.mode !== 'cognito') return null;
  const auth = config.auth;
  return (
    <div class="card narrow">
      <p>Sign in with your account of this deployment.</p>
      <ErrorAlert error={error} prefix="Could not sign in" />
      <button
        type="button"
        onClick={async () => {
          sessionStorage.setItem(nextKey, next);
          await beginSignIn(auth, callbackUri()).catch(setError);
        }}
      >
        Sign in
      </button>
    </div>
  );
}

export function SignInPage() {
  const { config, session } = useApp();
  const { query, route } = useLocation();
  const next = nextPath(query);
  useEffect(() => {
    if (session) route(next, true);
  }, [session, next, route]);
  return (
    <>
      <PageHeader title="Sign in" />
      {config.auth.mode === 'local' && <LocalSignIn next={next} />}
      {config.auth.mode === 'cognito' && <CognitoSignIn next={next} />}
      {config.auth.mode === 'iam' && (
        <div class="alert" role="alert">
          This deployment uses IAM auth; the console needs Cognito (deploy with authMode=cognito).
        </div>
      )}
    </>
  );
}

/** Cognito sends the browser back here with a code, exchanged (with the PKCE verifier) for tokens. */
export function AuthCallbackPage() {
  const { config, signIn } = useApp();
  const { route } = useLocation();
  const [error, setError] = useState<unknown>();
  const started = useRef(false);
  useEffect(() => {
    // A code is good for one exchange: never twice, whatever re-renders.
    if (started.current) return;
    started.current = true;
    if (config.auth.mode !== 'cognito') return setError(new Error('this deployment does not sign in with Cognito'));
    completeSignIn(config.auth, callbackUri(), new URL(location.href)).then(
      (tokens) => {
        signIn(sessionFromTokens(tokens));
        const next = sessionStorage.getItem(nextKey) ?? '/';
        sessionStorage.removeItem(nextKey);
        route(next.startsWith('/') && !next.startsWith('//') ? next : '/', true);
      },
      (e: unknown) => setError(e),
    );
  }, [config, signIn, route]);
  return (
    <>
      <PageHeader title="Signing in" />
      {error ? (
        <>
          <ErrorAlert error={error} prefix="Could not sign in" />
          <p>
            <a href="/sign-in">Try again</a>
          </p>
        </>
      ) : (
        <p>Finishing the sign-in…</p>
      )}
    </>
  );
}

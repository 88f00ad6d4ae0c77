/**
 * The shell: the session and API client every page reads from context, the navigation, the signed-in
 * tenant and sign-out, and the router over the route table (routes.ts). Pages that need a session
 * send a signed-out visitor to the sign-in page, which comes back to the page afterwards.
 */
import { ErrorBoundary, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { signOutUrl } from './auth/cognito';
import { AppContext, type AppState, useApp } from './context';
import type { ConsoleConfig } from './contracts';
import { navigation, routes, type RouteEntry } from './routes';
import { clientFor, loadSession, saveSession, type Session } from './session';

function Navigation({ session }: { session: Session }) {
  const { path } = useLocation();
  const items = navigation.filter((item) => !item.admin || session.admin);
  return (
    <nav aria-label="Main">
      <ul>
        {items.map((item) => {
          const current = item.path === '/' ? path === '/' : path === item.path || path.startsWith(`${item.path}/`);
          return (
            <li key={item.path}>
              <a href={item.path} {...(current ? { 'aria-current': 'page' } : {})}>
                {item.title}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

function TopBar() {
  const { session, signOut, config } = useApp();
  const { route } = useLocation();
  return (
    <header class="topbar">
      <a class="brand" href="/">
        Elastic Caffe
      </a>
      {session && (
        <div class="who">
          <span>
            Signed in as <strong data-testid="tenant">{session.displayName}</strong>
            {session.admin && <span class="tag">admin</span>}
          </span>
          <button
            type="button"
            class="secondary"
            onClick={() => {
              signOut();
              if (config.auth.mode !== 'cognito') route('/sign-in');
            }}
          >
            Sign out
          </button>
        </div>
      )}
    </header>
  );
}

/** A page that needs a session: the sign-in page first when there is none. */
function Guarded({ entry, ...props }: { entry: RouteEntry } & Record<string, unknown>) {
  const { session } = useApp();
  const { url, route } = useLocation();
  const allowed = entry.public || (session && (!entry.admin || session.admin));
  useEffect(() => {
    if (!entry.public && !session) route(`/sign-in?next=${encodeURIComponent(url)}`, true);
  }, [entry.public, session, url, route]);
  if (!allowed) {
    if (!session) return null;
    return (
      <main id="main">
        <h1>Admins only</h1>
        <p>This page is for members of the admins group.</p>
      </main>
    );
  }
  const Page = entry.component;
  return (
    <main id="main">
      <Page {...props} />
    </main>
  );
}

function Shell() {
  const { session } = useApp();
  useEffect(() => {
    // Marks that the app has rendered and its first page is usable: bench/console.ts measures the time to it.
    document.documentElement.dataset.ready = 'true';
    performance.mark('console-ready');
  }, []);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <TopBar />
      <div class={session ? 'layout' : 'layout signed-out'}>
        {session && <Navigation session={session} />}
        <ErrorBoundary>
          <Router
            onRouteChange={() => {
              document.body.dataset.navigated = 'true';
            }}
          >
            {[
              ...routes.map((entry) => <Route key={entry.path} path={entry.path} component={Guarded} entry={entry} />),
              <Route key="404" default component={NotFound} />,
            ]}
          </Router>
        </ErrorBoundary>
      </div>
    </>
  );
}

function NotFound() {
  return (
    <main id="main">
      <h1>Not found</h1>
      <p>
        There is no page here. <a href="/">Go to the overview</a>.
      </p>
    </main>
  );
}

export function App({ config }: { config: ConsoleConfig }) {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const state = useMemo<AppState>(() => {
    const store = (next: Session | undefined) => {
      saveSession(next);
      setSession(next);
    };
    return {
      config,
      session,
      // Renewed tokens are stored without a re-render; a session that cannot be renewed ends.
      client: session
        ? clientFor(config, session, (renewed) => (renewed ? saveSession(renewed) : store(undefined)))
        : undefined,
      signIn: store,
      signOut() {
        store(undefined);
        if (config.auth.mode === 'cognito') location.assign(signOutUrl(config.auth, `${location.origin}/sign-in`));
      },
    };
  }, [config, session]);
  return (
    <AppContext.Provider value={state}>
      <LocationProvider>
        <Shell />
      </LocationProvider>
    </AppContext.Provider>
  );
}

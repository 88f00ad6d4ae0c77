/** What every page reads: the deployment's config, the session and its API client (set by app.tsx). */
import type { ElasticCaffe } from '@elastic-caffe/sdk';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { ConsoleConfig } from './contracts';
import type { Session } from './session';

export interface AppState {
  config: ConsoleConfig;
  session: Session | undefined;
  /** Present while signed in. */
  client: ElasticCaffe | undefined;
  signIn(session: Session): void;
  /** Forgets the session; Cognito's own sign-out page is visited too. */
  signOut(): void;
}

export const AppContext = createContext<AppState | undefined>(undefined);

export function useApp(): AppState {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp outside <App>');
  return app;
}

/** The API client of the signed-in tenant (pages under the shell are only shown signed in). */
export function useClient(): ElasticCaffe {
  const { client } = useApp();
  if (!client) throw new Error('not signed in');
  return client;
}

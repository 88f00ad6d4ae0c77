/**
 * Every page and its URL: each survives a reload (the gateway and CloudFront answer index.html for
 * any path that is not a file). `public` pages need no session; `admin` ones need the admins group.
 */
import type { ComponentType } from 'preact';
import { AdminPage } from './pages/admin';
import { ClassifierPage, ClassifiersPage } from './pages/classifiers';
import { ComparePage } from './pages/compare';
import { DatafilePage, DatafilesPage } from './pages/datafiles';
import { DatasetPage, DatasetsPage } from './pages/datasets';
import { ModelPage, ModelsPage } from './pages/models';
import { NewSolverPage } from './pages/new-solver';
import { OverviewPage } from './pages/overview';
import { AuthCallbackPage, SignInPage } from './pages/sign-in';
import { SolverPage, SolversPage } from './pages/solvers';
import { SweepPage, SweepsPage } from './pages/sweeps';
import { TrainingJobPage } from './pages/training-job';
import { TrainingJobsPage } from './pages/training-jobs';

export interface RouteEntry {
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: pages take the route's params (id) or nothing
  component: ComponentType<any>;
  public?: boolean;
  admin?: boolean;
}

export const routes: RouteEntry[] = [
  { path: '/', component: OverviewPage },
  { path: '/sign-in', component: SignInPage, public: true },
  { path: '/auth/callback', component: AuthCallbackPage, public: true },
  { path: '/datafiles', component: DatafilesPage },
  { path: '/datafiles/:id', component: DatafilePage },
  { path: '/datasets', component: DatasetsPage },
  { path: '/datasets/:id', component: DatasetPage },
  { path: '/solvers', component: SolversPage },
  { path: '/solvers/new', component: NewSolverPage },
  { path: '/solvers/:id', component: SolverPage },
  { path: '/training-jobs', component: TrainingJobsPage },
  { path: '/training-jobs/:id', component: TrainingJobPage },
  { path: '/compare', component: ComparePage },
  { path: '/sweeps', component: SweepsPage },
  { path: '/sweeps/:id', component: SweepPage },
  { path: '/models', component: ModelsPage },
  { path: '/models/:id', component: ModelPage },
  { path: '/classifiers', component: ClassifiersPage },
  { path: '/classifiers/:id', component: ClassifierPage },
  { path: '/admin', component: AdminPage, admin: true },
];

/** The main navigation, in the order of the work: data, dataset, solver, training, searching, models, classifying. */
export const navigation: Array<{ path: string; title: string; admin?: boolean }> = [
  { path: '/', title: 'Overview' },
  { path: '/datafiles', title: 'Datafiles' },
  { path: '/datasets', title: 'Datasets' },
  { path: '/solvers', title: 'Solvers' },
  { path: '/training-jobs', title: 'Training jobs' },
  { path: '/compare', title: 'Compare' },
  { path: '/sweeps', title: 'Sweeps' },
  { path: '/models', title: 'Models' },
  { path: '/classifiers', title: 'Classifiers' },
  { path: '/admin', title: 'Admin', admin: true },
];

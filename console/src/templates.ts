/**
 * Nets and solvers to start from: the repository's LeNet example (the one the README trains), a
 * CIFAR-10 "quick"-style net for small colour images, and a LeNet for fine-tuning from a finished job.
 */
import lenetNet from '../../examples/fashion-mnist-lenet/net.prototxt';
import lenetSolver from '../../examples/fashion-mnist-lenet/solver.prototxt';
import cifarNet from './templates/cifar10-quick-net.prototxt';
import cifarSolver from './templates/cifar10-quick-solver.prototxt';
import finetuneNet from './templates/finetune-net.prototxt';
import finetuneSolver from './templates/finetune-solver.prototxt';

export interface Template {
  id: string;
  title: string;
  net: string;
  solver: string;
}

export const templates: Template[] = [
  { id: 'lenet', title: 'LeNet (28×28 grey images, e.g. Fashion-MNIST)', net: lenetNet, solver: lenetSolver },
  { id: 'cifar10-quick', title: 'CIFAR-10 quick (32×32 colour images)', net: cifarNet, solver: cifarSolver },
  { id: 'finetune', title: 'Fine-tune LeNet from a trained job', net: finetuneNet, solver: finetuneSolver },
];

export const templateById = (id: string | undefined): Template => templates.find((t) => t.id === id) ?? templates[0]!;

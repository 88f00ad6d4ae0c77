/**
 * Runs once before the test projects: makes sure real Caffe (and pycaffe, for classify) and the Fashion-MNIST data are
 * installed (the first run downloads and unpacks them, showing progress; later runs are a no-op).
 */
import { ensureCaffe, ensureFashionMnist, ensurePycaffe } from '../local/caffe/install';

export default async function globalSetup(): Promise<void> {
  process.env.CAFFE_PREFIX = await ensureCaffe();
  await ensurePycaffe();
  await ensureFashionMnist();
}

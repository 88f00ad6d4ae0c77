/** Changing the capacity settings at run time (the admin API). */
import { writeCapacity, type CapacitySettings } from '../scheduling/capacity';
import { requestDispatchPass } from '../work-queue';

/**
 * Stores the new limits and asks for a dispatch pass: raised limits start waiting work within
 * seconds. Lowered limits stop nothing: running jobs keep their slots and finish, and new work
 * starts only once fewer than the new limit run.
 */
export async function changeCapacity(settings: CapacitySettings) {
  const stored = await writeCapacity(settings);
  await requestDispatchPass('capacity changed');
  return stored;
}

import { AsyncLocalStorage } from 'node:async_hooks';

// Engines proven side by side (--engine all) each run their tools in a helper of their
// own: one helper runs its commands one at a time, so a shared one would line the
// engines up again. The lane is carried with the work, not through every signature.

const lanes = new AsyncLocalStorage<string>();

/** Runs `work` in a lane: every helper it starts or uses is that lane's own. */
export const inLane = <T>(lane: string | undefined, work: () => T): T => (lane === undefined ? work() : lanes.run(lane, work));

/** The lane the caller runs in ('' outside any: the one shared helper). */
export const currentLane = (): string => lanes.getStore() ?? '';

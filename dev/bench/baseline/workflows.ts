/** The baseline workflow: a request signal, two updates answered at once, then done. */
import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import { baselineRequestSignal, baselineStepUpdate } from './definitions.js';

export async function baselineWorkflow(): Promise<{ steps: number }> {
  let requests = 0;
  let steps = 0;
  setHandler(baselineRequestSignal, () => {
    requests++;
  });
  setHandler(baselineStepUpdate, ({ step }) => {
    steps++;
    return { step };
  });
  await condition(() => requests > 0 && steps >= 2);
  await condition(allHandlersFinished);
  return { steps };
}

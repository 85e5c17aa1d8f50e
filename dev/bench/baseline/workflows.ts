/** The baseline workflow: a request signal, a query it answers from its state, an update answered at once, then done. */
import { allHandlersFinished, condition, proxySinks, setHandler } from '@temporalio/workflow';
import { baselineLinkQuery, baselineRequestSignal, baselineSecretUpdate, type BaselineSinks } from './definitions.js';

const { bench } = proxySinks<BaselineSinks>();

export async function baselineWorkflow(): Promise<{ requests: number }> {
  let requests = 0;
  let submitted = false;
  setHandler(baselineRequestSignal, () => {
    requests++;
  });
  setHandler(baselineLinkQuery, () => ({ status: 'open', requests }));
  setHandler(baselineSecretUpdate, ({ secret }) => {
    submitted = true;
    return { status: 'completed', secret };
  });
  // Run by the worker once this first activation is done (not on a replay): the bench's "email".
  bench.ready();
  await condition(() => requests > 0 && submitted);
  await condition(allHandlersFinished);
  return { requests };
}

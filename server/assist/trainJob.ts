// One training of the category model as a pure job (no database): the evaluation model on the
// earlier period scored on the later one, then the served model on all of it. models.ts reads the
// history and stores the result; trainThread.ts runs the job on a thread of its own.
import type { Model, TrainDoc, TrainOptions } from './classifier.ts';
import { evaluate, type Evaluation, type KeywordCategory } from './evaluate.ts';
import type { Lang } from './tokenize.ts';

export interface TrainJob {
  lang: Lang;
  /** The whole confirmed history, oldest first. */
  docs: TrainDoc[];
  /** Index of the first document of the evaluation period (null: no evaluation). */
  evalStart: number | null;
  /** Fewest documents a model is trained on (the evaluation model is skipped below it). */
  minTraining: number;
  /** The keyword baseline's categories. */
  categories: KeywordCategory[];
}

export interface TrainJobResult {
  model: Model;
  /** The model trained on the earlier period only (null when there was no evaluation). */
  evalModel: Model | null;
  evaluation: (Evaluation & { trainedOn: number }) | null;
}

export async function runTrainJob(
  job: TrainJob,
  train: (docs: readonly TrainDoc[], opts: TrainOptions) => Model | Promise<Model>,
): Promise<TrainJobResult> {
  const opts: TrainOptions = { lang: job.lang, seed: 1 };
  let evalModel: Model | null = null;
  let evaluation: TrainJobResult['evaluation'] = null;
  if (job.evalStart !== null) {
    const earlier = job.docs.slice(0, job.evalStart);
    const later = job.docs.slice(job.evalStart);
    if (earlier.length >= job.minTraining && later.length > 0) {
      evalModel = await train(earlier, opts);
      const counts = new Map<string, number>();
      for (const d of earlier) counts.set(d.label, (counts.get(d.label) ?? 0) + 1);
      evaluation = { ...evaluate(evalModel, later, { counts, categories: job.categories }), trainedOn: earlier.length };
    }
  }
  const model = await train(job.docs, opts);
  return { model, evalModel, evaluation };
}

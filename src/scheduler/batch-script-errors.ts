/** A value the batch-script renderers refuse (it would break out of its directive or quoting): the runner answers 400. */
export { UnsafeScriptValueError } from './backends/shared/batch-script';

/**
 * `instanceToPlain` for the simulation config DTOs, ~10× cheaper: a deep copy into plain objects and arrays. Those
 * DTOs use `@Type` and one `@Transform` (OptionalNullAsAbsent: null to undefined, and no null survives
 * parseSimulationConfig), no `@Exclude` or `@Expose`, so for a parsed config instanceToPlain is exactly this; the
 * spec compares both on every config shape, so a decorator added later that changes the output fails it.
 */
export function toPlainConfig<T>(value: T): T {
  if (Array.isArray(value)) return value.map(toPlainConfig) as T;
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value)) copy[key] = toPlainConfig((value as Record<string, unknown>)[key]);
    return copy as T;
  }
  return value;
}

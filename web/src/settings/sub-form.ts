/**
 * The change handlers of one part of a form (a target kind's settings) held as one object by its
 * parent: `set('key')` gives the handler of one field.
 */
export function subFormSetter<T extends object>(values: T, onChange: (values: T) => void) {
  return <K extends keyof T>(key: K) =>
    (value: T[K]) =>
      onChange({ ...values, [key]: value });
}

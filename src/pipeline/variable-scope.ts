import type { VariableDefinition } from './pipeline-definition.ts';
import { escapeDollars, expandVariables } from './variable-expansion.ts';

/**
 * The variables visible to one job (or to the pipeline) at planning time: the context's variables,
 * which take precedence, over the file's variables in layers (global, `workflow:rules:variables`,
 * job, `rules:variables`; later layers override earlier ones).
 *
 * Two forms of a value exist:
 * - `value(name)`: the final text, fully expanded (`$$` → `$`, references to unknown variables kept as
 *   written). Used for `rules:if`, `changes`, `exists` and `workflow:name`.
 * - `render(definitions)`: the plan's form, ready for the run-time expansion the runner performs:
 *   references to known variables are substituted with their values escaped (`$` → `$$`), so they
 *   come out literally; unknown references (`$CI_JOB_ID`, known only when the job runs) and `$$` stay;
 *   `expand: false` values have every `$` doubled.
 */
export class VariableScope {
  readonly #context: Readonly<Record<string, string>>;
  readonly #definitions = new Map<string, VariableDefinition>();
  readonly #finals = new Map<string, string | undefined>();
  readonly #resolving = new Set<string>();

  constructor(
    context: Readonly<Record<string, string>>,
    layers: ReadonlyArray<readonly VariableDefinition[]>,
  ) {
    this.#context = context;
    for (const layer of layers)
      for (const definition of layer) this.#definitions.set(definition.name, definition);
  }

  /** The final value of a variable, or undefined when it is not defined anywhere. */
  value(name: string): string | undefined {
    if (Object.hasOwn(this.#context, name)) return this.#context[name];
    const definition = this.#definitions.get(name);
    if (definition === undefined) return undefined;
    if (this.#finals.has(name)) return this.#finals.get(name);
    if (this.#resolving.has(name)) return undefined;
    this.#resolving.add(name);
    const value = definition.expand
      ? expandVariables(definition.value, (other) => this.value(other), { keepUnknown: true })
      : definition.value;
    this.#resolving.delete(name);
    this.#finals.set(name, value);
    return value;
  }

  /** `text` with references expanded to final values; unknown references are kept as written unless `blankUnknown`. */
  expand(text: string, options: { blankUnknown?: boolean } = {}): string {
    return expandVariables(text, (name) => this.value(name), { keepUnknown: !options.blankUnknown });
  }

  /** The definitions' values in the plan's (run-time expandable) form; later definitions of a name win. */
  render(definitions: readonly VariableDefinition[]): Record<string, string> {
    const rendered: Record<string, string> = {};
    for (const definition of definitions) {
      rendered[definition.name] = definition.expand
        ? expandVariables(
            definition.value,
            (name) =>
              name === definition.name && !Object.hasOwn(this.#context, name)
                ? undefined
                : this.#escaped(name),
            { keepUnknown: true, keepEscapes: true },
          )
        : escapeDollars(definition.value);
    }
    return rendered;
  }

  #escaped(name: string): string | undefined {
    const value = this.value(name);
    return value === undefined ? undefined : escapeDollars(value);
  }
}

/**
 * An action input described as data, so the action.yml files can be checked against the code that
 * reads them (same names, same defaults, same required flags).
 */
export interface InputSpec {
  name: string;
  description: string;
  required?: boolean;
  /** The default exactly as action.yml would state it. */
  default?: string;
}

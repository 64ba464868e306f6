/**
 * An action input described as data: the action's action.yml is generated from these, and the
 * action's Inputs reads its defaults from them, so the two cannot disagree.
 */
export interface InputSpec {
  name: string;
  description: string;
  required?: boolean;
  /** The default exactly as action.yml states it; the only default the code knows. */
  default?: string;
  /** A key, password or secret text: read only untrimmed (Inputs.raw), where whitespace is data. */
  secret?: boolean;
  /** A heading action.yml shows above this input, starting a group of related inputs. */
  section?: string;
}

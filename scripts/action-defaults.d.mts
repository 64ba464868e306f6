/** The defaults `<action>/action.yml` declares, by input name. */
export function actionDefaults(action: string): Record<string, string>;

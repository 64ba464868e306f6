/** What an action reports in the job summary: a heading and rows of label/value pairs. */
export interface JobSummary {
  section(heading: string, rows: Array<[string, string]>): void;
}

export class SummaryBuffer implements JobSummary {
  readonly sections: Array<{ heading: string; rows: Array<[string, string]> }> = [];
  section(heading: string, rows: Array<[string, string]>): void {
    this.sections.push({ heading, rows });
  }
}

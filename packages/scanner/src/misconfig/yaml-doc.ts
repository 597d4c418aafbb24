/** The parsed-document shape both YAML readers (the fast one and the `yaml` library) produce. */
export type Path = ReadonlyArray<string | number>;

/** One parsed YAML (or JSON) document with what is needed to turn paths into lines. */
export interface YamlDoc {
  index: number;
  value: unknown;
  /** First line of the document's content and the line where its header comments start. */
  startLine: number;
  headerStartLine: number;
  endLine: number;
  lineAt(path: Path): number;
}

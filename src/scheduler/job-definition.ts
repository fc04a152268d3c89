/**
 * The planned job a `jobs` row runs, stored as JSON in `jobs.definition` (the pipeline compiler's
 * `PlannedJob`). Only the fields the scheduler reads are spelled out here.
 */
export interface JobDefinition {
  name: string;
  stage: string;
  stageIndex: number;
  when: 'on_success' | 'on_failure' | 'always' | 'manual' | 'delayed';
  startInSeconds: number | null;
  allowFailure: boolean;
  allowFailureExitCodes: number[];
  needs: Array<{ job: string; artifacts: boolean; optional: boolean }> | null;
  dependencies: string[] | null;
  image: string | null;
  beforeScript: string[];
  script: string[];
  afterScript: string[];
  variables: Record<string, string>;
  artifacts: {
    paths: string[];
    expireInSeconds: number | null;
    when: 'on_success' | 'on_failure' | 'always';
    dotenv: string | null;
  } | null;
  environment: { name: string; url: string | null; action: string } | null;
  resourceGroup: string | null;
  retry: { max: number; when: string[] };
  timeoutSeconds: number | null;
  tags: string[];
}

export function parseDefinition(json: string): JobDefinition {
  return JSON.parse(json) as JobDefinition;
}

/**
 * How one kind of target reads, checks and keeps its settings (SSH, SFTP, S3, Ansible, Maven):
 * the API's `<kind>: {…}` object goes in; a config of non-secret fields (stored as JSON, and shown
 * as it is) and credentials (stored encrypted, never shown) come out.
 */
export interface TargetSettings<Config = unknown, Credentials = unknown> {
  readonly kind: string;
  /**
   * Merges `input` over the stored settings (`null` on create), validates them and checks the
   * target answers with them (a connection, a probe): throws GantryError('validation_failed')
   * naming the field or saying what failed.
   */
  save(
    input: Record<string, unknown>,
    stored: { config: Config; credentials: Credentials } | null,
  ): Promise<{ config: Config; credentials: Credentials }>;
  parseConfig(json: string): Config;
  parseCredentials(json: string | null): Credentials;
}

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's Maven repository of packaged plugins, standing in for Maven Central (no internet in tests). */
export const DEBIAN_MAVEN_REPO = '/usr/share/maven-repo';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.5.0';
const DEPENDENCY_PLUGIN_DIR = `${DEBIAN_MAVEN_REPO}/org/apache/maven/plugins/maven-dependency-plugin/3.5.0`;

/** Why {@link resolveWithMaven} cannot run here, or undefined when it can. */
export function mavenCliUnavailableReason(): string | undefined {
  const missing = [
    ...(existsSync('/usr/bin/mvn') ? [] : ['mvn (Debian maven)']),
    ...(existsSync(DEPENDENCY_PLUGIN_DIR)
      ? []
      : ['maven-dependency-plugin 3.5.0 (Debian libmaven-dependency-plugin-java)']),
    ...(existsSync(`${DEBIAN_MAVEN_REPO}/junit/junit`)
      ? []
      : ['junit (Debian junit4, needed by the plugin)']),
  ];
  return missing.length === 0
    ? undefined
    : `missing ${missing.join(', ')}: install them with \`bash scripts/setup.sh --test\``;
}

/** What {@link resolveWithMaven} got: Maven's output, and where the file landed when it succeeded. */
export interface MavenResolution {
  ok: boolean;
  output: string;
  /** The fresh local repository Maven downloaded into. */
  localRepository: string;
}

/**
 * Runs real `mvn dependency:get` for `artifact` (`group:artifact:version[:extension[:classifier]]`) with
 * a fresh local repository, so it downloads from `repositoryUrl` itself. Plugins come from Debian's
 * packaged repository (a mirror of everything else), never the internet. The test repository's
 * checksum policy is `fail`: a missing or wrong `.sha1`/`.md5` fails the resolution. Its files go in a
 * new directory under `workDir`, which the caller removes.
 */
export async function resolveWithMaven(
  repositoryUrl: string,
  artifact: string,
  workDir: string,
): Promise<MavenResolution> {
  const dir = mkdtempSync(join(workDir, 'mvn-'));
  const localRepository = join(dir, 'local-repository');
  const settings = join(dir, 'settings.xml');
  writeFileSync(
    settings,
    `<settings>
  <mirrors>
    <mirror><id>debian</id><mirrorOf>*,!gantry-test</mirrorOf><url>file://${DEBIAN_MAVEN_REPO}</url></mirror>
  </mirrors>
  <profiles>
    <profile>
      <id>gantry-test</id>
      <repositories>
        <repository>
          <id>gantry-test</id>
          <url>${repositoryUrl}</url>
          <releases><checksumPolicy>fail</checksumPolicy></releases>
          <snapshots><enabled>true</enabled><updatePolicy>always</updatePolicy><checksumPolicy>fail</checksumPolicy></snapshots>
        </repository>
      </repositories>
    </profile>
  </profiles>
  <activeProfiles><activeProfile>gantry-test</activeProfile></activeProfiles>
</settings>
`,
  );
  const args = [
    '-B',
    '-s',
    settings,
    `-Dmaven.repo.local=${localRepository}`,
    `${DEPENDENCY_PLUGIN}:get`,
    `-Dartifact=${artifact}`,
    '-Dtransitive=false',
  ];
  try {
    const { stdout, stderr } = await run('mvn', args, { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    return { ok: true, output: stdout + stderr, localRepository };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: stdout + stderr, localRepository };
  }
}

import type { MavenCoordinates } from './maven-coordinates.ts';
import { escapeXml } from './metadata-xml.ts';

/**
 * The POM published when the pipeline gives none: coordinates and packaging only, no dependencies, so
 * Maven resolves the artifact without a "POM is missing" warning. The packaging is the main artifact's
 * extension (`jar`, `war`), or `pom` when only classified files are published.
 */
export function minimalPom(coordinates: MavenCoordinates, packaging: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>${escapeXml(coordinates.groupId)}</groupId>
  <artifactId>${escapeXml(coordinates.artifactId)}</artifactId>
  <version>${escapeXml(coordinates.version)}</version>
  <packaging>${escapeXml(packaging)}</packaging>
  <description>Published by Gantry</description>
</project>
`;
}

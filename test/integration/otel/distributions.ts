/**
 * The distributions the collector tests build. The platform's own comes
 * unchanged from src/; the sink adds only the file exporter, so a second real
 * collector can stand in for Tempo and Loki (AGPL, not built here) and write
 * what it receives to disk for the test to read.
 */
import { contrib, kindlingDistribution, withModules } from "../../../src/components/lib/otelcol-distribution.ts";

export const platformDistribution = kindlingDistribution;

export const sinkDistribution = withModules(kindlingDistribution, {
  name: "otelcol-kindling-sink",
  exporters: [contrib("exporter/fileexporter", "file")],
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type PrometheusSample, parsePrometheusText } from './prometheus-text.ts';

test('samples are read with their labels and values', () => {
  const cases: Array<{ line: string; expected: PrometheusSample[] }> = [
    { line: 'up 1', expected: [{ name: 'up', labels: {}, value: 1 }] },
    {
      line: 'http_requests_total{method="GET",code="200"} 1027 1395066363000',
      expected: [{ name: 'http_requests_total', labels: { method: 'GET', code: '200' }, value: 1027 }],
    },
    {
      line: 'http_request_duration_seconds_bucket{le="+Inf"} 3',
      expected: [{ name: 'http_request_duration_seconds_bucket', labels: { le: '+Inf' }, value: 3 }],
    },
    { line: 'a_b:c{ x = "1" , } 2.5e-3', expected: [{ name: 'a_b:c', labels: { x: '1' }, value: 0.0025 }] },
    { line: 'm{} -Inf', expected: [{ name: 'm', labels: {}, value: Number.NEGATIVE_INFINITY }] },
    { line: 'm +Inf', expected: [{ name: 'm', labels: {}, value: Number.POSITIVE_INFINITY }] },
    { line: 'm NaN', expected: [{ name: 'm', labels: {}, value: Number.NaN }] },
    { line: '  m\t.5  ', expected: [{ name: 'm', labels: {}, value: 0.5 }] },
    {
      line: 'm{path="C:\\\\dir \\"x\\"\\nnext",le="0.1"} 7',
      expected: [{ name: 'm', labels: { path: 'C:\\dir "x"\nnext', le: '0.1' }, value: 7 }],
    },
    // OpenMetrics exemplars follow the value.
    {
      line: 'm_bucket{le="1"} 4 # {trace_id="abc"} 0.6 1.7e9',
      expected: [{ name: 'm_bucket', labels: { le: '1' }, value: 4 }],
    },
    { line: 'm{a="}"} 1', expected: [{ name: 'm', labels: { a: '}' }, value: 1 }] },
  ];
  for (const { line, expected } of cases) assert.deepEqual(parsePrometheusText(line), expected, line);
});

test('comments and lines that are not samples are skipped, the rest kept', () => {
  const skipped = [
    '# HELP http_requests_total The total.',
    '# TYPE http_requests_total counter',
    '',
    '1abc 3',
    'm{a=1} 3',
    'm{a="1" b="2"} 3',
    'm{a="unterminated} 3',
    'm',
    'm 0x10',
    'm one',
    'm{',
  ];
  for (const line of skipped) assert.deepEqual(parsePrometheusText(line), [], line);
  assert.deepEqual(parsePrometheusText([...skipped, 'kept 2', ''].join('\r\n')), [
    { name: 'kept', labels: {}, value: 2 },
  ]);
});

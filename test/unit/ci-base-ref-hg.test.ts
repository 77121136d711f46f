import { describe, expect, it } from 'vitest';
import { HG_ARGV, REVSETS, revsetString } from '../../src/vcs/base-ref-hg.js';

// The revsets and argv devdb ci and rebase read a Mercurial repository with; test/e2e/ci-hg-alembic.test.ts runs them on a real one.
describe('the base ref of devdb ci in Mercurial', () => {
  it("is default's newest public changeset and the newest of them the checkout descends from, else default's tip and the common ancestor", () => {
    expect(REVSETS.publicTip).toBe('last(public() and branch("default"))');
    expect(REVSETS.publicBase).toBe('last(public() and branch("default") and ancestors(.))');
    expect(REVSETS.localTip).toBe('max(branch("default"))');
    expect(REVSETS.mergeBase('0123abcd')).toBe('ancestor(0123abcd, .)');
  });

  it('finds the changeset before a file was added with the path quoted as the revset parser unquotes it', () => {
    expect(revsetString('a b')).toBe('"a b"');
    expect(revsetString('we"ird\\dir')).toBe('"we\\"ird\\\\dir"');
    expect(REVSETS.beforeAdding('migrations/versions/1_a.py')).toBe('p1(last(ancestors(.) and adds("path:migrations/versions/1_a.py")))');
    expect(REVSETS.beforeAdding('v/"x".py')).toBe('p1(last(ancestors(.) and adds("path:v/\\"x\\".py")))');
  });

  it("lists the branch's own changesets newest first, all ancestors without a base", () => {
    expect(REVSETS.branch('0123abcd')).toBe('reverse(only(., 0123abcd))');
    expect(REVSETS.branch(undefined)).toBe('reverse(ancestors(.))');
  });

  it('passes every revision and path as one argument, never through a shell', () => {
    expect(HG_ARGV.nodes('feature; rm -rf /')).toEqual(['log', '-r', 'feature; rm -rf /', '-T', '{node}\\n']);
    expect(HG_ARGV.nodes(REVSETS.branch(undefined), 50)).toEqual(['log', '-r', 'reverse(ancestors(.))', '-l', '50', '-T', '{node}\\n']);
    expect(HG_ARGV.scripts('abc', 'migrations/versions')).toEqual(['cat', '-r', 'abc', '-T', 'json', 'path:migrations/versions']);
    expect(HG_ARGV.changed('abc')).toEqual(['status', '--rev', 'abc', '-mardu', '-0']);
  });
});

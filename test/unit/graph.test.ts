import { describe, expect, it } from 'vitest';
import { readRevisionHeader } from '../../src/migration/chain.js';
import { renderDot, renderMermaid, renderText } from '../../src/migration/graph-render.js';
import { buildGraph, positionOf, scriptMessage } from '../../src/migration/graph.js';

const script = (revision: string, down: string | string[] | null, message = `rev ${revision}`) =>
  `"""${message}\n\nRevision ID: ${revision}\n"""\nrevision = '${revision}'\ndown_revision = ${down === null ? 'None' : Array.isArray(down) ? `(${down.map((d) => `'${d}'`).join(', ')})` : `'${down}'`}\n`;

const graphOf = (...scripts: [string, string | string[] | null][]) =>
  buildGraph(scripts.map(([r, d], i) => ({ ...readRevisionHeader(`v/${String(i).padStart(2, '0')}_${r}.py`, script(r, d)), message: scriptMessage(script(r, d)) })));

// 1 ← 2a, 2b ← 3 (merge) ← 4 and 5 (two heads).
const diamond = () => graphOf(['1', null], ['2a', '1'], ['2b', '1'], ['3', ['2a', '2b']], ['4', '3'], ['5', '3']);

describe('the revision graph', () => {
  it('reads the message from the docstring and finds heads', () => {
    expect(scriptMessage('"""add notes\n\nRevision ID: x\n"""\n')).toBe('add notes');
    expect(scriptMessage("# coding: utf-8\n'''one line'''\n")).toBe('one line');
    expect(diamond().heads).toEqual(['4', '5']);
  });

  it('places a database at head, behind, empty or unknown', () => {
    const chain = graphOf(['1', null], ['2', '1'], ['3', '2']);
    expect(positionOf(chain, ['3'])).toEqual({ kind: 'head' });
    expect(positionOf(chain, ['1'])).toEqual({ kind: 'behind', by: 2 });
    expect(positionOf(chain, [])).toEqual({ kind: 'empty', by: 3 });
    expect(positionOf(chain, ['ffff'])).toEqual({ kind: 'unknown', missing: ['ffff'] });
    // On one head of two, the other branch's revisions are still to come.
    expect(positionOf(diamond(), ['4'])).toEqual({ kind: 'behind', by: 1 });
  });

  it('draws branches and merges as a tree, newest first, with heads, the database and the draft marked', () => {
    expect(renderText(diamond(), { dev: ['2b'], draft: '5' })).toEqual([
      '*  4 rev 4  (head)',
      '| *  5 rev 5  (head, draft)',
      '|/',
      '*  3 rev 3',
      '|\\',
      '* |  2a rev 2a',
      '| *  2b rev 2b  (dev database)',
      '|/',
      '*  1 rev 1',
    ]);
  });

  it('draws a straight chain as one lane, and two roots side by side', () => {
    expect(renderText(graphOf(['1', null], ['2', '1']), { dev: [] })).toEqual(['*  2 rev 2  (head)', '*  1 rev 1']);
    expect(renderText(graphOf(['a', null], ['b', null]), { dev: [] })).toEqual(['*  a rev a  (head)', '*  b rev b  (head)']);
  });

  it('writes Mermaid and DOT with every edge parent to child and the marks as classes and styles', () => {
    const mermaid = renderMermaid(diamond(), { dev: ['3'], draft: '5' });
    expect(mermaid.split('\n')[0]).toBe('flowchart TD');
    expect(mermaid).toContain('  r_2a --> r_3\n  r_2b --> r_3\n');
    expect(mermaid).toContain('  r_3["3 rev 3 (dev database)"]');
    expect(mermaid).toContain('  class r_4,r_5 head\n');
    expect(mermaid).toContain('  class r_5 draft\n');
    const dot = renderDot(diamond(), { dev: ['3'] });
    expect(dot).toMatch(/^digraph migrations \{/);
    expect(dot).toContain('  "2a" -> "3";');
    expect(dot).toContain('"3" [label="3\\nrev 3\\n(dev database)", style=filled');
  });

  it('escapes labels for Mermaid and DOT', () => {
    const g = buildGraph([{ file: 'v/x.py', revision: 'x', downRevisions: [], message: 'say "hi" <b> & \\n' }]);
    expect(renderMermaid(g, { dev: [] })).toContain('r_x["x say #34;hi#34; #60;b#62; #38; \\n (head)"]');
    expect(renderDot(g, { dev: [] })).toContain('"x" [label="x\\nsay \\"hi\\" <b> & \\\\n\\n(head)", penwidth=3];');
  });
});

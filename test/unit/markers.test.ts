import { describe, expect, it } from 'vitest';
import { allowsLoss, readMarkers } from '../../src/migration/markers.js';

describe('devdb markers in a migration script', () => {
  const source = [
    'def upgrade():',
    "    op.drop_column('users', 'email')  # devdb: ignore destructive-upgrade",
    '    # devdb: ignore sqlite-needs-batch, not-null-without-default',
    '',
    "    op.add_column('users', sa.Column('x', sa.Integer(), nullable=False))",
    '    # devdb: allow data-loss users.email, notes',
    '    # devdb: ignor typo',
  ].join('\n');
  const markers = readMarkers(source);

  it('reads an ignore on its own line as applying to the next code line', () => {
    expect(markers[0]).toEqual({ kind: 'ignore', line: 2, appliesTo: 2, rules: ['destructive-upgrade'] });
    expect(markers[1]).toEqual({ kind: 'ignore', line: 3, appliesTo: 5, rules: ['sqlite-needs-batch', 'not-null-without-default'] });
  });

  it('reads allow data-loss targets and matches tables and columns', () => {
    expect(markers[2]).toEqual({ kind: 'allow-data-loss', line: 6, targets: ['users.email', 'notes'] });
    expect(allowsLoss(markers, 'users', 'email')).toBe(true);
    expect(allowsLoss(markers, 'users', 'name')).toBe(false);
    expect(allowsLoss(markers, 'notes', 'body')).toBe(true);
    expect(allowsLoss(markers, 'users')).toBe(false);
  });

  it('reports a marker it cannot read instead of ignoring it', () => {
    expect(markers[3]).toEqual({ kind: 'malformed', line: 7, text: 'ignor typo' });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMigratedDatabase, type OpenedDatabase } from '../database';

let dir: string;
let database: OpenedDatabase;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fd-'));
  database = await openMigratedDatabase(join(dir, 'front-desk.db'));
});

afterEach(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (sql: string, ...params: unknown[]) => database.sqlite.prepare(sql).run(...params);

describe('0006_faces', () => {
  beforeEach(() => {
    run(
      `INSERT INTO patients (id, full_name, date_of_birth, created_at, updated_at) VALUES (1, 'Rita Rocha', '1975-05-20', 0, 0), (2, 'Rui Reis', '1980-01-01', 0, 0)`,
    );
  });

  it('keeps a patient with face data from being deleted, so nothing is left behind in the cloud', () => {
    run(
      `INSERT INTO face_enrolments (patient_id, opaque_key, state, region, collection_id, bucket, user_id, enrolled_at) VALUES (1, '0123456789abcdef0123', 'enrolled', 'eu-west-1', 'c', 'b', '0123456789abcdef0123', 1)`,
    );
    run(`INSERT INTO face_photos (patient_id, position, face_id, s3_key) VALUES (1, 0, 'f', 'faces/k/1.jpg')`);
    expect(() => run('DELETE FROM patients WHERE id = 1')).toThrow(/FOREIGN KEY/);
    // Consents without face data go with the patient.
    run(`INSERT INTO face_consents (patient_id, version, locale, agreed_at) VALUES (2, 'v1', 'en', 1)`);
    run('DELETE FROM patients WHERE id = 2');
    expect(database.sqlite.prepare('SELECT count(*) AS n FROM face_consents').get()).toEqual({ n: 0 });
  });

  it('refuses values outside the rules', () => {
    expect(() => run(`INSERT INTO face_settings (id, updated_at) VALUES (2, 0)`)).toThrow(/CHECK/);
    expect(() => run(`INSERT INTO face_settings (id, match_threshold, updated_at) VALUES (1, 50, 0)`)).toThrow(/CHECK/);
    expect(() =>
      run(
        `INSERT INTO face_enrolments (patient_id, opaque_key, state, region, collection_id, bucket, enrolled_at) VALUES (1, 'short', 'enrolled', 'r', 'c', 'b', 1)`,
      ),
    ).toThrow(/CHECK/);
    expect(() =>
      run(
        `INSERT INTO face_enrolments (patient_id, opaque_key, state, region, collection_id, bucket, enrolled_at) VALUES (1, '0123456789abcdef0123', 'maybe', 'r', 'c', 'b', 1)`,
      ),
    ).toThrow(/CHECK/);
  });
});

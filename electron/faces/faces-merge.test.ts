import { describe, expect, it, vi } from 'vitest';
import { aws, t, rita, enrolRita, rows, bucketKeys, useFacesDesk } from './faces-fixtures';

/** Merging two records of one person who both enrolled: the duplicate's faces go, through the withdrawal path. */

useFacesDesk();

describe('a merge of two enrolled records', () => {
  it('withdraws the duplicate’s enrolment in AWS once the merge is committed, and keeps the survivor’s', async () => {
    await enrolRita();
    const survivor = await t.ok(t.reception, 'patients.create', { fields: { fullName: 'Rita Again', dateOfBirth: '1990-01-01' }, confirmedNotDuplicate: true });
    // The survivor's own enrolment, as the journal holds it (its AWS side is not under test).
    t.desk.database.sqlite
      .prepare(
        `INSERT INTO face_enrolments (patient_id, opaque_key, state, region, collection_id, bucket, user_id, enrolled_at)
         SELECT ?, 'survivor-key-000000001', 'enrolled', region, collection_id, bucket, 'survivor-user', 0 FROM face_enrolments WHERE patient_id = ?`,
      )
      .run(survivor.id, rita);
    expect(aws.rekognition.users()).toHaveLength(1);

    const merged = await t.ok(t.reception, 'patients.merge', { survivorId: survivor.id, duplicateId: rita });
    expect(merged.outcome.faceEnrolment).toBe('withdrawn');

    await vi.waitFor(() => expect(rows('SELECT patient_id FROM face_enrolments')).toEqual([{ patient_id: survivor.id }]), { timeout: 5_000 });
    expect(aws.rekognition.users()).toEqual([]);
    expect(aws.rekognition.faces()).toEqual([]);
    expect(await bucketKeys()).toEqual([]);
    expect(rows<{ action: string; entity_id: number }>(`SELECT action, entity_id FROM audit_log WHERE action = 'faces.withdraw'`)).toEqual([
      { action: 'faces.withdraw', entity_id: rita },
    ]);
  });
});

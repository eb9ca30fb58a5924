import { sql, type Kysely } from 'kysely';

/**
 * Patient search at a million rows. Frozen in time like every migration.
 *
 * Names: a contentless FTS5 index (diacritics and case folded by the tokenizer) with a prefix
 * index for every length up to 12, so "typed so far" is always a single-term lookup that
 * streams in rowid order and stops at the LIMIT, however many patients share the prefix.
 * detail=none keeps it small: search needs neither phrases nor positions.
 * Triggers keep it in step with `patients` whoever writes; the view is the one definition of
 * what gets indexed, shared by the triggers and by bulk loaders that rebuild a range at once.
 *
 * Phone, tax id and e-mail: B-tree indexes on expressions (prefix = range scan), partial on the
 * same expression so that they cover the search (a generated column's index would not).
 * The phone tail is the last 15 digits reversed, so "ends with 5678" is the prefix "8765".
 * patients.search writes these expressions exactly so; its tests check the plans use them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE VIRTUAL TABLE patient_name_search USING fts5(
      name,
      content = '',
      contentless_delete = 1,
      detail = none,
      tokenize = "unicode61 remove_diacritics 2",
      prefix = '1 2 3 4 5 6 7 8 9 10 11 12'
    )`.execute(db);

  await sql`
    CREATE VIEW patient_name_search_source AS
    SELECT id, full_name || ' ' || preferred_name AS name FROM patients`.execute(db);

  await sql`INSERT INTO patient_name_search (rowid, name) SELECT id, name FROM patient_name_search_source`.execute(db);

  await sql`
    CREATE TRIGGER patients_search_after_insert AFTER INSERT ON patients BEGIN
      INSERT INTO patient_name_search (rowid, name) SELECT id, name FROM patient_name_search_source WHERE id = NEW.id;
    END`.execute(db);
  await sql`
    CREATE TRIGGER patients_search_after_update AFTER UPDATE OF id, full_name, preferred_name ON patients BEGIN
      DELETE FROM patient_name_search WHERE rowid = OLD.id;
      INSERT INTO patient_name_search (rowid, name) SELECT id, name FROM patient_name_search_source WHERE id = NEW.id;
    END`.execute(db);
  await sql`
    CREATE TRIGGER patients_search_after_delete AFTER DELETE ON patients BEGIN
      DELETE FROM patient_name_search WHERE rowid = OLD.id;
    END`.execute(db);

  const phoneTail = Array.from({ length: 15 }, (_, index) => `substr(phone_digits, ${-(index + 1)}, 1)`).join(' || ');
  const taxKey = `upper(replace(replace(tax_id, ' ', ''), '-', ''))`;
  const emailKey = 'lower(email)';
  for (const [name, expression] of [
    ['patients_by_phone_tail', phoneTail],
    ['patients_by_tax_key', taxKey],
    ['patients_by_email_key', emailKey],
  ]) {
    await sql.raw(`CREATE INDEX ${name} ON patients ((${expression})) WHERE (${expression}) <> ''`).execute(db);
  }
  await sql`CREATE INDEX patients_by_birth ON patients (date_of_birth, name_key)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['patients_search_after_insert', 'patients_search_after_update', 'patients_search_after_delete']) {
    await sql.raw(`DROP TRIGGER IF EXISTS ${name}`).execute(db);
  }
  for (const name of ['patients_by_phone_tail', 'patients_by_tax_key', 'patients_by_email_key', 'patients_by_birth']) {
    await sql.raw(`DROP INDEX IF EXISTS ${name}`).execute(db);
  }
  await sql`DROP VIEW IF EXISTS patient_name_search_source`.execute(db);
  await sql`DROP TABLE IF EXISTS patient_name_search`.execute(db);
}

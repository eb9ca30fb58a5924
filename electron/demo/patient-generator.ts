import type BetterSqlite3 from 'better-sqlite3';
import { foldText, phoneDigits } from '../../shared/patients/patient-keys';
import { createRandom } from '../../shared/random/seeded-random';
import { DAY_MS } from '../../shared/time/units';

/** A patient row with every stored column filled, derived keys included, ready to insert. */
export interface GeneratedPatientRow {
  full_name: string;
  preferred_name: string;
  date_of_birth: string;
  sex: 'female' | 'male' | 'other' | 'unknown';
  phone: string;
  email: string;
  tax_id: string;
  address: string;
  preferred_language: 'en' | 'pt';
  notes: string;
  name_key: string;
  phone_digits: string;
  created_at: number;
  updated_at: number;
}

export interface GeneratePatientsOptions {
  /** Newest `created_at`; rows are spread over the five years before it. Fixed by default so output is reproducible. */
  now?: number;
}

// Ordered roughly by how common they are in Portugal; picks are skewed towards the top,
// so searches meet the crowded prefixes (Maria, João, Silva) a real register has. The word
// lists are kept as paragraphs (prettier-ignore), not one word a line.
// prettier-ignore
const femaleNames = [
  'Maria', 'Ana', 'Mariana', 'Beatriz', 'Inês', 'Leonor', 'Matilde', 'Carolina', 'Joana', 'Sofia',
  'Francisca', 'Margarida', 'Rita', 'Catarina', 'Sara', 'Isabel', 'Teresa', 'Helena', 'Luísa', 'Patrícia',
  'Cláudia', 'Sónia', 'Andreia', 'Filipa', 'Conceição', 'Fátima', 'Graça', 'Rosa', 'Lúcia', 'Alice',
  'Clara', 'Madalena', 'Benedita', 'Constança', 'Diana', 'Íris', 'Lara', 'Raquel', 'Vera', 'Filomena',
  'Glória', 'Amélia', 'Natália', 'Célia', 'Irene', 'Olga', 'Lurdes', 'Manuela', 'Fernanda', 'Rosário',
  'Susana', 'Paula', 'Cristina', 'Marta', 'Daniela', 'Bárbara', 'Mafalda', 'Vitória', 'Camila', 'Yara',
  'Júlia', 'Eduarda', 'Lívia', 'Aurora', 'Gabriela', 'Letícia', 'Noémia', 'Odete', 'Zulmira', 'Ermelinda',
];
// prettier-ignore
const maleNames = [
  'João', 'José', 'António', 'Francisco', 'Manuel', 'Rodrigo', 'Martim', 'Tomás', 'Duarte', 'Santiago',
  'Afonso', 'Gonçalo', 'Miguel', 'Pedro', 'Diogo', 'Tiago', 'Rui', 'Luís', 'Carlos', 'Jorge',
  'Paulo', 'Nuno', 'Ricardo', 'Sérgio', 'Vítor', 'Fernando', 'Joaquim', 'Armando', 'Hélder', 'Simão',
  'Lourenço', 'Gabriel', 'Henrique', 'Guilherme', 'Salvador', 'Vicente', 'Bernardo', 'Dinis', 'Rafael', 'Filipe',
  'André', 'Bruno', 'Hugo', 'Marco', 'Fábio', 'Álvaro', 'Artur', 'Mário', 'Raúl', 'Júlio',
  'Alexandre', 'Daniel', 'Eduardo', 'Frederico', 'Gaspar', 'Leandro', 'Mauro', 'Óscar', 'Rúben', 'Xavier',
  'Abílio', 'Adelino', 'Belmiro', 'Casimiro', 'Custódio', 'Domingos', 'Estêvão', 'Florêncio', 'Horácio', 'Zacarias',
];
/** Surname and the particle that often goes before it ("dos Santos"), if any. */
// prettier-ignore
const surnames: Array<[string, string]> = [
  ['Silva', 'da'], ['Santos', 'dos'], ['Ferreira', ''], ['Pereira', ''], ['Oliveira', ''], ['Costa', 'da'],
  ['Rodrigues', ''], ['Martins', ''], ['Jesus', 'de'], ['Sousa', 'de'], ['Fernandes', ''], ['Gonçalves', ''],
  ['Gomes', ''], ['Lopes', ''], ['Marques', ''], ['Alves', ''], ['Almeida', 'de'], ['Ribeiro', ''],
  ['Pinto', ''], ['Carvalho', ''], ['Teixeira', ''], ['Moreira', ''], ['Correia', ''], ['Mendes', ''],
  ['Nunes', ''], ['Soares', ''], ['Vieira', ''], ['Monteiro', ''], ['Cardoso', ''], ['Rocha', 'da'],
  ['Raposo', ''], ['Neves', 'das'], ['Coelho', ''], ['Cruz', 'da'], ['Cunha', 'da'], ['Pires', ''],
  ['Ramos', ''], ['Reis', 'dos'], ['Simões', ''], ['Antunes', ''], ['Matos', ''], ['Fonseca', 'da'],
  ['Machado', ''], ['Araújo', ''], ['Barbosa', ''], ['Tavares', ''], ['Lourenço', ''], ['Castro', 'de'],
  ['Figueiredo', ''], ['Azevedo', ''], ['Freitas', 'de'], ['Conceição', 'da'], ['Magalhães', ''], ['Brandão', ''],
  ['Gaspar', ''], ['Baptista', ''], ['Valente', ''], ['Esteves', ''], ['Sá', 'de'], ['Guerreiro', ''],
  ['Brás', ''], ['Loureiro', ''], ['Leal', ''], ['Faria', ''], ['Henriques', ''], ['Pacheco', ''],
  ['Paiva', ''], ['Amaral', ''], ['Campos', ''], ['Cabral', ''], ['Miranda', ''], ['Andrade', ''],
  ['Melo', ''], ['Moura', ''], ['Abreu', ''], ['Vaz', ''], ['Sequeira', ''], ['Macedo', ''],
  ['Dias', ''], ['Morais', ''], ['Nogueira', ''], ['Borges', ''], ['Lima', ''], ['Vasconcelos', ''],
  ['Serrano', ''], ['Falcão', ''], ['Cordeiro', ''], ['Branco', ''], ['Salgado', ''], ['Quaresma', ''],
  ['Veloso', ''], ['Garcia', ''], ['Jardim', ''], ['Mota', 'da'], ['Domingues', ''], ['Barros', ''],
  ['Carneiro', ''], ['Medeiros', ''], ['Fontes', ''], ['Patrício', ''], ['Romão', ''], ['Sampaio', ''],
  ['Calado', ''], ['Frade', ''], ['Quintela', ''], ['Damião', ''], ['Galvão', ''], ['Belchior', ''],
  ['Meireles', ''], ['Espírito Santo', 'do'], ['Ventura', ''], ['Guimarães', ''], ['Bettencourt', ''], ['Zêzere', ''],
];
// prettier-ignore
const nicknames: Record<string, string[]> = {
  José: ['Zé', 'Zeca'],
  António: ['Tó', 'Toni'],
  Francisco: ['Chico', 'Kiko'],
  Manuel: ['Manel', 'Nelo'],
  Fernando: ['Nando'],
  Joaquim: ['Quim'],
  Margarida: ['Guida', 'Magui'],
  Conceição: ['São'],
  Isabel: ['Bela', 'Belinha'],
  Teresa: ['Teté'],
  Maria: ['Mimi', 'Mariazinha'],
  Luís: ['Lu'],
  Alexandre: ['Xandi'],
  Gabriela: ['Gabi'],
  Filipa: ['Pipa'],
  Henrique: ['Kiko'],
  Rodrigo: ['Digo'],
  Fátima: ['Fá'],
};
const streetTypes = ['Rua', 'Rua', 'Rua', 'Avenida', 'Travessa', 'Largo', 'Praça', 'Estrada'];
// prettier-ignore
const streetNames = [
  'da Liberdade', 'de Santa Catarina', 'Dom João IV', '25 de Abril', 'das Flores', 'do Almada', 'Cândido dos Reis',
  'da República', 'Miguel Bombarda', 'dos Combatentes', 'de São Bento', 'Alexandre Herculano', 'Almirante Reis',
  'da Boavista', 'Sá da Bandeira', 'de Cedofeita', 'Fernão de Magalhães', 'Luís de Camões', 'Vasco da Gama',
  'do Comércio', 'da Constituição', 'Gago Coutinho', 'Infante Dom Henrique', 'da Estação', 'do Mercado',
];
// prettier-ignore
const cities: Array<[string, string]> = [
  ['Lisboa', '1'], ['Porto', '4'], ['Braga', '47'], ['Coimbra', '30'], ['Faro', '80'], ['Aveiro', '38'],
  ['Setúbal', '29'], ['Évora', '70'], ['Viseu', '35'], ['Leiria', '24'], ['Funchal', '90'], ['Ponta Delgada', '95'],
  ['Guimarães', '48'], ['Amadora', '27'], ['Sintra', '27'], ['Cascais', '27'], ['Matosinhos', '44'], ['Almada', '28'],
];
const floors = ['', '', '', ', 1.º Esq.', ', 2.º Dto.', ', 3.º Frente', ', r/c', ', 4.º B'];
const emailDomains = ['gmail.com', 'gmail.com', 'gmail.com', 'hotmail.com', 'sapo.pt', 'outlook.pt', 'iol.pt', 'netcabo.pt', 'clix.pt'];
// prettier-ignore
const notesPool = [
  'Alergia à penicilina.',
  'Prefere consultas de manhã.',
  'Mobilidade reduzida: precisa de cadeira de rodas.',
  'Vem acompanhado pela filha.',
  'Diabético tipo 2.',
  'Surdez parcial: falar devagar.',
  'Speaks English only.',
];

const FIRST_DAY = Date.UTC(1930, 0, 1);
const BIRTH_DAYS = Math.round((Date.UTC(2024, 11, 31) - FIRST_DAY) / DAY_MS) + 1;
const DEFAULT_NOW = Date.UTC(2026, 0, 1);
const FIVE_YEARS_MS = 5 * 365 * DAY_MS;

/** The Portuguese NIF check digit: weights 9..2 over the first eight digits, modulo 11. */
export function nifCheckDigit(firstEight: string): number {
  let sum = 0;
  for (let index = 0; index < 8; index++) sum += Number(firstEight[index]) * (9 - index);
  const remainder = sum % 11;
  return remainder < 2 ? 0 : 11 - remainder;
}

export function isValidNif(value: string): boolean {
  return /^\d{9}$/.test(value) && nifCheckDigit(value.slice(0, 8)) === Number(value[8]);
}

/**
 * Realistic Portuguese patients, the same ones for the same seed: accented names, nicknames
 * for some, birth dates 1930–2024, mobile numbers (unique across one run), valid NIFs,
 * addresses, mostly Portuguese speakers. Lazy, so a million rows never sit in memory at once.
 */
export function* patientRows(count: number, seed: number, options: GeneratePatientsOptions = {}): Generator<GeneratedPatientRow> {
  const random = createRandom(seed);
  const now = options.now ?? DEFAULT_NOW;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  // Skewed towards the start of the list (a Zipf-like spread of popular names).
  const pickCommon = <T>(list: readonly T[]): T => {
    const roll = random();
    return list[Math.floor(roll * roll * list.length)]!;
  };
  const digits = (length: number) => String(Math.floor(random() * 10 ** length)).padStart(length, '0');
  // Affine maps i → (i·a + b) mod m with a coprime to m never repeat, so numbers stay unique.
  const phoneOffset = Math.floor(random() * 40_000_000);
  // foldText normalises Unicode, which is slow at a million rows; the name parts repeat, so fold each once.
  const folded = new Map<string, string>();
  const days: string[] = [];
  const fold = (value: string): string => {
    let result = folded.get(value);
    if (result === undefined) folded.set(value, (result = foldText(value)));
    return result;
  };
  const nifOffset = Math.floor(random() * 30_000_000);

  for (let index = 0; index < count; index++) {
    const isFemale = random() < 0.52;
    const given = isFemale ? femaleNames : maleNames;
    const first = pickCommon(given);
    let second = random() < 0.45 ? pickCommon(given) : '';
    if (second === first) second = '';
    const familyCount = random() < 0.25 ? 1 : random() < 0.8 ? 2 : 3;
    const family: string[] = [];
    for (let k = 0; k < familyCount; k++) {
      const [surname, particle] = pickCommon(surnames);
      if (family.some((part) => part.endsWith(surname))) continue;
      family.push(particle && random() < 0.3 ? `${particle} ${surname}` : surname);
    }
    const parts = second ? [first, second, ...family] : [first, ...family];
    const fullName = parts.join(' ');

    let preferredName = '';
    const roll = random();
    const nicknameChoices = nicknames[first];
    if (roll < 0.1 && nicknameChoices) preferredName = pick(nicknameChoices);
    else if (roll < 0.16 && second) preferredName = second;

    const sexRoll = random();
    const sex = sexRoll < 0.01 ? 'unknown' : sexRoll < 0.013 ? 'other' : isFemale ? 'female' : 'male';
    const dayIndex = Math.floor(random() * BIRTH_DAYS);
    const dateOfBirth = (days[dayIndex] ??= new Date(FIRST_DAY + dayIndex * DAY_MS).toISOString().slice(0, 10));

    let phone = '';
    const phoneRoll = random();
    if (phoneRoll < 0.95) {
      const key = (index * 7_654_321 + phoneOffset) % 40_000_000;
      const rest = String(key % 10_000_000).padStart(7, '0');
      const prefix = phoneRoll < 0.05 ? pick(['21', '22']) : ['91', '92', '93', '96'][Math.floor(key / 10_000_000)]!;
      // Stored as the desk stores phones since 0009: E.164.
      phone = `+351${prefix}${rest}`;
    }

    let email = '';
    if (random() < 0.8) {
      const surname = family[family.length - 1] ?? first;
      const local = `${fold(first)}${pick(['.', '.', '_', ''])}${fold(surname).replaceAll(' ', '')}`;
      email = `${local}${random() < 0.4 ? String(Math.floor(random() * 100)) : ''}@${pick(emailDomains)}`;
    }

    let taxId = '';
    if (random() < 0.92) {
      const key = (index * 7_777_777 + nifOffset) % 30_000_000;
      const firstEight = `${1 + Math.floor(key / 10_000_000)}${String(key % 10_000_000).padStart(7, '0')}`;
      taxId = `${firstEight}${nifCheckDigit(firstEight)}`;
    }

    const [city, postalStart] = pick(cities);
    const postal = `${postalStart}${digits(4 - postalStart.length)}-${digits(3)}`;
    const address = `${pick(streetTypes)} ${pick(streetNames)}, ${1 + Math.floor(random() * 250)}${pick(floors)}, ${postal} ${city}`;
    const preferredLanguage = random() < 0.92 ? 'pt' : 'en';
    const notes = random() < 0.05 ? pick(notesPool) : '';
    const createdAt = now - Math.floor(random() * FIVE_YEARS_MS);

    yield {
      full_name: fullName,
      preferred_name: preferredName,
      date_of_birth: dateOfBirth,
      sex,
      phone,
      email,
      tax_id: taxId,
      address,
      preferred_language: preferredLanguage,
      notes,
      name_key: parts.map(fold).join(' '),
      phone_digits: phoneDigits(phone),
      created_at: createdAt,
      updated_at: createdAt,
    };
  }
}

export function generatePatients(count: number, seed: number, options: GeneratePatientsOptions = {}): GeneratedPatientRow[] {
  return Array.from(patientRows(count, seed, options));
}

const COLUMNS = 14;
const BATCH_ROWS = 16;
/** Below this many existing rows, dropping and rebuilding the indexes beats updating them row by row. */
const REBUILD_INDEXES_BELOW = 50_000;

/**
 * Inserts many rows in one transaction with prepared statements. Returns how many.
 *
 * Row by row, the search triggers cost ~40 µs a patient (measured: a million took two
 * minutes), and each index takes a random-order insert. So for the duration the search
 * triggers are set aside and the name index is filled for the new id range in one statement,
 * from the same view the triggers read. Into a (nearly) empty table, the indexes are also
 * dropped and rebuilt by sorting. Everything is put back from its own stored SQL, inside the
 * transaction: a failure leaves the schema and the data as they were. Writes after it go
 * through the triggers as usual.
 */
export function insertPatientsBulk(sqlite: BetterSqlite3.Database, rows: Iterable<GeneratedPatientRow>): number {
  // Sixteen rows a statement and positional parameters: per-statement and by-name binding
  // overheads are most of an insert's cost at this scale.
  const insertSql = (count: number) => `
    INSERT INTO patients (full_name, preferred_name, date_of_birth, sex, phone, email, tax_id, address,
      preferred_language, notes, name_key, phone_digits, created_at, updated_at)
    VALUES ${Array.from({ length: count }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`;
  const insertOne = sqlite.prepare(insertSql(1));
  const insertBatch = sqlite.prepare(insertSql(BATCH_ROWS));
  // For the duration: a big page cache keeps half-built pages from spilling to the WAL over and
  // over, and index builds may sort on a second thread.
  const previousCacheSize = Number(sqlite.pragma('cache_size', { simple: true }));
  const previousThreads = Number(sqlite.pragma('threads', { simple: true }));
  sqlite.pragma('cache_size = -524288');
  sqlite.pragma('threads = 2');
  try {
    return sqlite.transaction(() => {
      const { lastId, count } = sqlite.prepare('SELECT coalesce(max(id), 0) AS lastId, count(*) AS count FROM patients').get() as {
        lastId: number;
        count: number;
      };
      const setAside = sqlite
        .prepare(
          `SELECT type, name, sql FROM sqlite_schema
           WHERE tbl_name = 'patients' AND sql IS NOT NULL
             AND ((type = 'trigger' AND name LIKE 'patients\\_search\\_%' ESCAPE '\\') OR (type = 'index' AND ?))`,
        )
        .all(count < REBUILD_INDEXES_BELOW ? 1 : 0) as Array<{ type: 'trigger' | 'index'; name: string; sql: string }>;
      for (const object of setAside) sqlite.exec(`DROP ${object.type.toUpperCase()} "${object.name.replace(/"/g, '""')}"`);

      let inserted = 0;
      const values: Array<string | number> = [];
      for (const row of rows) {
        values.push(
          row.full_name,
          row.preferred_name,
          row.date_of_birth,
          row.sex,
          row.phone,
          row.email,
          row.tax_id,
          row.address,
          row.preferred_language,
          row.notes,
          row.name_key,
          row.phone_digits,
          row.created_at,
          row.updated_at,
        );
        inserted++;
        if (values.length === BATCH_ROWS * COLUMNS) {
          insertBatch.run(values);
          values.length = 0;
        }
      }
      for (let start = 0; start < values.length; start += COLUMNS) insertOne.run(values.slice(start, start + COLUMNS));

      for (const object of setAside) sqlite.exec(object.sql);
      sqlite.prepare('INSERT INTO patient_name_search (rowid, name) SELECT id, name FROM patient_name_search_source WHERE id > ?').run(lastId);
      // One segment instead of the dozens a big load leaves: fewer lists to merge per search.
      sqlite.exec(`INSERT INTO patient_name_search (patient_name_search) VALUES ('optimize')`);
      return inserted;
    })();
  } finally {
    sqlite.pragma(`cache_size = ${previousCacheSize}`);
    sqlite.pragma(`threads = ${previousThreads}`);
  }
}

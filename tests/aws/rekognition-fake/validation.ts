import { AwsError, type Body } from './state';
import type { FakeOperation } from './types';

/**
 * The request constraints of the API reference (length, pattern, range, enum, list size,
 * required), checked before an operation runs, as AWS's front end does: every violation is
 * listed in one ValidationException (HTTP 400), in the wording AWS uses ("1 validation error
 * detected: Value '0' at 'maxUsers' failed to satisfy constraint: Member must have value
 * greater than or equal to 1"). A value of the wrong JSON type cannot be read at all:
 * SerializationException. Unknown members are ignored, as AWS does.
 */

type Rule =
  | { kind: 'string'; min?: number; max?: number; pattern?: RegExp; values?: readonly string[] }
  | { kind: 'number'; min?: number; max?: number; integer?: boolean }
  | { kind: 'list'; min?: number; max?: number; item: Rule }
  | { kind: 'map'; max: number; key: Rule; value: Rule }
  | { kind: 'blob'; min: number; max: number }
  | { kind: 'structure'; members: Members };

interface Member {
  rule: Rule;
  required?: boolean;
}
type Members = Record<string, Member>;

const collectionId: Member = { rule: { kind: 'string', min: 1, max: 255, pattern: /^[a-zA-Z0-9_.-]+$/ }, required: true };
const userId: Rule = { kind: 'string', min: 1, max: 128, pattern: /^[a-zA-Z0-9_.\-:]+$/ };
const clientRequestToken: Member = { rule: { kind: 'string', min: 1, max: 64, pattern: /^[a-zA-Z0-9-_]+$/ } };
const faceId: Rule = { kind: 'string', pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/ };
const nextToken: Member = { rule: { kind: 'string', max: 255 } };
const qualityFilter: Member = { rule: { kind: 'string', values: ['NONE', 'AUTO', 'LOW', 'MEDIUM', 'HIGH'] } };
const percent: Member = { rule: { kind: 'number', min: 0, max: 100 } };
const image: Member = {
  required: true,
  rule: {
    kind: 'structure',
    members: {
      Bytes: { rule: { kind: 'blob', min: 1, max: 5_242_880 } },
      S3Object: {
        rule: {
          kind: 'structure',
          members: {
            Bucket: { rule: { kind: 'string', min: 3, max: 255, pattern: /^[0-9A-Za-z.\-_]*$/ } },
            Name: { rule: { kind: 'string', min: 1, max: 1024 } },
            Version: { rule: { kind: 'string', min: 1, max: 1024 } },
          },
        },
      },
    },
  },
};
const detectionAttributes = [
  'DEFAULT',
  'ALL',
  'AGE_RANGE',
  'BEARD',
  'EMOTIONS',
  'EYE_DIRECTION',
  'EYEGLASSES',
  'EYES_OPEN',
  'GENDER',
  'MOUTH_OPEN',
  'MUSTACHE',
  'FACE_OCCLUDED',
  'SMILE',
  'SUNGLASSES',
] as const;

/** Per operation, its request members as the API reference constrains them. */
const REQUESTS: Record<FakeOperation, Members> = {
  CreateCollection: {
    CollectionId: collectionId,
    Tags: {
      rule: {
        kind: 'map',
        max: 200,
        key: { kind: 'string', min: 1, max: 128, pattern: /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u },
        value: { kind: 'string', max: 256, pattern: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u },
      },
    },
  },
  DescribeCollection: { CollectionId: collectionId },
  DeleteCollection: { CollectionId: collectionId },
  ListCollections: { MaxResults: { rule: { kind: 'number', integer: true, min: 0, max: 4096 } }, NextToken: nextToken },
  IndexFaces: {
    CollectionId: collectionId,
    Image: image,
    ExternalImageId: { rule: { kind: 'string', min: 1, max: 255, pattern: /^[a-zA-Z0-9_.\-:]+$/ } },
    DetectionAttributes: { rule: { kind: 'list', item: { kind: 'string', values: detectionAttributes } } },
    MaxFaces: { rule: { kind: 'number', integer: true, min: 1 } },
    QualityFilter: qualityFilter,
  },
  ListFaces: {
    CollectionId: collectionId,
    FaceIds: { rule: { kind: 'list', min: 1, max: 4096, item: faceId } },
    MaxResults: { rule: { kind: 'number', integer: true, min: 0, max: 4096 } },
    NextToken: nextToken,
    UserId: { rule: userId },
  },
  DeleteFaces: { CollectionId: collectionId, FaceIds: { rule: { kind: 'list', min: 1, max: 4096, item: faceId }, required: true } },
  CreateUser: { CollectionId: collectionId, UserId: { rule: userId, required: true }, ClientRequestToken: clientRequestToken },
  DeleteUser: { CollectionId: collectionId, UserId: { rule: userId, required: true }, ClientRequestToken: clientRequestToken },
  ListUsers: { CollectionId: collectionId, MaxResults: { rule: { kind: 'number', integer: true, min: 1, max: 500 } }, NextToken: nextToken },
  AssociateFaces: {
    CollectionId: collectionId,
    UserId: { rule: userId, required: true },
    FaceIds: { rule: { kind: 'list', min: 1, max: 100, item: faceId }, required: true },
    UserMatchThreshold: percent,
    ClientRequestToken: clientRequestToken,
  },
  SearchUsersByImage: {
    CollectionId: collectionId,
    Image: image,
    MaxUsers: { rule: { kind: 'number', integer: true, min: 1, max: 500 } },
    UserMatchThreshold: percent,
    QualityFilter: qualityFilter,
  },
};

export function validateRequest(operation: FakeOperation, body: Body): void {
  const problems: string[] = [];
  checkMembers(REQUESTS[operation], body, '', problems);
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 validation error detected' : `${problems.length} validation errors detected`;
    throw new AwsError('ValidationException', `${count}: ${problems.join('; ')}`);
  }
}

function checkMembers(members: Members, body: Record<string, unknown>, prefix: string, problems: string[]): void {
  for (const [name, member] of Object.entries(members)) {
    const path = `${prefix}${name.charAt(0).toLowerCase()}${name.slice(1)}`;
    const value = body[name];
    if (value === undefined || value === null) {
      if (member.required) problems.push(`Value null at '${path}' failed to satisfy constraint: Member must not be null`);
      continue;
    }
    check(member.rule, value, path, problems);
  }
}

function check(rule: Rule, value: unknown, path: string, problems: string[]): void {
  const fail = (shown: string, constraint: string) => problems.push(`Value ${shown} at '${path}' failed to satisfy constraint: Member must ${constraint}`);
  const wrongType = () => {
    throw new AwsError('SerializationException', `Unable to read '${path}': not a ${rule.kind}`);
  };
  switch (rule.kind) {
    case 'string': {
      if (typeof value !== 'string') return wrongType();
      const shown = `'${value}'`;
      if (rule.min !== undefined && value.length < rule.min) fail(shown, `have length greater than or equal to ${rule.min}`);
      if (rule.max !== undefined && value.length > rule.max) fail(shown, `have length less than or equal to ${rule.max}`);
      if (rule.pattern && !rule.pattern.test(value)) fail(shown, `satisfy regular expression pattern: ${rule.pattern.source}`);
      if (rule.values && !rule.values.includes(value)) fail(shown, `satisfy enum value set: [${rule.values.join(', ')}]`);
      return;
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return wrongType();
      if (rule.integer && !Number.isInteger(value)) return wrongType();
      if (rule.min !== undefined && value < rule.min) fail(`'${value}'`, `have value greater than or equal to ${rule.min}`);
      if (rule.max !== undefined && value > rule.max) fail(`'${value}'`, `have value less than or equal to ${rule.max}`);
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return wrongType();
      const shown = `'[${value.map(String).join(', ')}]'`;
      if (rule.min !== undefined && value.length < rule.min) fail(shown, `have length greater than or equal to ${rule.min}`);
      if (rule.max !== undefined && value.length > rule.max) fail(shown, `have length less than or equal to ${rule.max}`);
      value.forEach((item, index) => check(rule.item, item, `${path}.${index + 1}.member`, problems));
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || Array.isArray(value)) return wrongType();
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length > rule.max) fail(`'{…}'`, `have length less than or equal to ${rule.max}`);
      for (const [key, item] of entries) {
        check(rule.key, key, `${path}.${key}.key`, problems);
        check(rule.value, item, `${path}.${key}.value`, problems);
      }
      return;
    }
    case 'blob': {
      if (typeof value !== 'string') return wrongType();
      const bytes = Buffer.from(value, 'base64').length;
      if (bytes < rule.min) fail(`'${bytes} bytes'`, `have length greater than or equal to ${rule.min}`);
      if (bytes > rule.max) fail(`'${bytes} bytes'`, `have length less than or equal to ${rule.max}`);
      return;
    }
    case 'structure': {
      if (typeof value !== 'object' || Array.isArray(value)) return wrongType();
      checkMembers(rule.members, value as Record<string, unknown>, `${path}.`, problems);
      return;
    }
  }
}

import { collectionOperations } from './rekognition-fake/collections';
import { controls } from './rekognition-fake/control';
import { faceOperations } from './rekognition-fake/faces';
import { listen } from './rekognition-fake/http';
import { searchOperations } from './rekognition-fake/search';
import { createState, type Operations } from './rekognition-fake/state';
import type { RekognitionFake, RekognitionFakeOptions } from './rekognition-fake/types';
import { userOperations } from './rekognition-fake/users';

/**
 * A local Rekognition for tests: real HTTP speaking the JSON 1.1 protocol
 * (POST /, X-Amz-Target: RekognitionService.<Operation>), so the real
 * @aws-sdk/client-rekognition can be pointed at it with an endpoint override.
 * State is in memory; images are analysed by ./face-signature and never kept.
 *
 * In ./rekognition-fake/: the HTTP front (http.ts), the operations by what they act on
 * (collections, faces, users, search), the images (images.ts), the in-memory state
 * (state.ts) and the test's view and failure injection (control.ts).
 */

export type {
  FakeFace,
  FakeFailure,
  FakeOperation,
  FakeRequest,
  FakeUser,
  ForcedDetection,
  RekognitionFake,
  RekognitionFakeOptions,
} from './rekognition-fake/types';

export async function startRekognitionFake(options: RekognitionFakeOptions): Promise<RekognitionFake> {
  const state = createState(options);
  const operations: Operations = { ...collectionOperations(state), ...faceOperations(state), ...userOperations(state), ...searchOperations(state) };
  const server = await listen(state, operations);
  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    port: server.port,
    ...controls(state),
    close: server.close,
  };
}

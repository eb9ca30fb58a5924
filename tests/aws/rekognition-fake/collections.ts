import { ACCOUNT, AwsError, FACE_MODEL_VERSION, addCollection, collectionOf, str, type FakeState, type Operations } from './state';

/** CreateCollection, DescribeCollection, DeleteCollection, ListCollections. */
export function collectionOperations(state: FakeState): Pick<Operations, 'CreateCollection' | 'DescribeCollection' | 'DeleteCollection' | 'ListCollections'> {
  const { collections, options } = state;
  return {
    CreateCollection(body) {
      const id = str(body, 'CollectionId');
      if (collections.has(id)) throw new AwsError('ResourceAlreadyExistsException', `The collection id: ${id} already exists`);
      addCollection(state, id);
      return {
        StatusCode: 200,
        CollectionArn: `aws:rekognition:${options.region ?? 'eu-west-1'}:${ACCOUNT}:collection/${id}`,
        FaceModelVersion: FACE_MODEL_VERSION,
      };
    },
    DescribeCollection(body) {
      const c = collectionOf(state, body);
      return {
        FaceCount: c.faces.size,
        UserCount: c.users.size,
        FaceModelVersion: FACE_MODEL_VERSION,
        CollectionARN: `arn:aws:rekognition:${options.region ?? 'eu-west-1'}:${ACCOUNT}:collection/${c.id}`,
        CreationTimestamp: c.createdAt / 1000,
      };
    },
    DeleteCollection(body) {
      const c = collectionOf(state, body);
      collections.delete(c.id);
      return { StatusCode: 200 };
    },
    ListCollections() {
      return { CollectionIds: [...collections.keys()], FaceModelVersions: [...collections.keys()].map(() => FACE_MODEL_VERSION) };
    },
  };
}

/**
 * SDK v3 clients pointed at the emulator: explicit endpoint (moto's queue URLs may name the
 * real AWS host), fixed region, dummy credentials, so nothing here can ever reach a real account.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';

/** moto's default account and the region the local system lives in. */
export const LOCAL_ACCOUNT_ID = '123456789012';
export const LOCAL_REGION = 'us-east-1';
export const DUMMY_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

export function emulatorClientConfig(endpoint: string) {
  return { endpoint, region: LOCAL_REGION, credentials: DUMMY_CREDENTIALS, maxAttempts: 3 };
}

export interface EmulatorClients {
  readonly sqs: SQSClient;
  readonly events: EventBridgeClient;
  readonly dynamodb: DynamoDBClient;
  readonly cognito: CognitoIdentityProviderClient;
  destroy(): void;
}

export function createEmulatorClients(endpoint: string): EmulatorClients {
  const config = emulatorClientConfig(endpoint);
  const sqs = new SQSClient(config);
  const events = new EventBridgeClient(config);
  const dynamodb = new DynamoDBClient(config);
  const cognito = new CognitoIdentityProviderClient(config);
  return {
    sqs,
    events,
    dynamodb,
    cognito,
    destroy: () => {
      sqs.destroy();
      events.destroy();
      dynamodb.destroy();
      cognito.destroy();
    },
  };
}

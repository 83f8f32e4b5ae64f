/** Error names the Step Functions API uses; the local endpoint sends them back as `__type`. */
export type EngineErrorName =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'StateMachineDoesNotExist'
  | 'ResourceNotFound'
  | 'InvalidArn'
  | 'InvalidName'
  | 'InvalidToken'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'EngineStopped'
  | 'WaitTimeout';

/** A failure the engine reports the way AWS Step Functions would: `name` is the AWS error code. */
export class EngineError extends Error {
  constructor(
    override readonly name: EngineErrorName,
    message: string,
  ) {
    super(message);
  }
}

import * as grpc from '@grpc/grpc-js';
import { ANONYMOUS, requireRole, stampCaller } from './auth.js';
import type { Authenticator, Caller, Role } from './auth.js';
import { CapacityError, toGrpcStatus } from './errors.js';
import { RPC_SERVICE } from './telemetry.js';
import type { Logger } from '@sim2real/telemetry';

/** What a method needs: nothing (health probes), any valid token (reflection), or a role. */
export type Rule = 'open' | 'authenticated' | Role;

/** Roles of the Translator's methods; a method not listed needs `admin` (deny by default). */
const METHOD_ROLES: Readonly<Record<string, Role>> = {
  Translate: 'translate',
  TranslateStream: 'translate',
  ListModels: 'translate',
  GetModel: 'translate',
  StartTraining: 'train',
  WatchTraining: 'train',
  CancelTraining: 'train',
};

/** The rule of a method path `/package.Service/Method`. */
export function accessRule(path: string): Rule {
  const [, service = '', method = ''] = path.split('/');
  if (service === 'grpc.health.v1.Health') return 'open';
  if (service.startsWith('grpc.reflection.')) return 'authenticated';
  if (service === RPC_SERVICE) return METHOD_ROLES[method] ?? 'admin';
  return 'admin';
}

/** Throws PermissionDeniedError unless `caller` meets `rule` (`open` and `authenticated` ask for no role). */
export function requireRule(caller: Caller, rule: Rule, action: string): void {
  if (rule !== 'open' && rule !== 'authenticated') requireRole(caller, rule, action);
}

export interface AccessOptions {
  /** undefined: no tokens, every caller is ANONYMOUS with every role (loopback or `--insecure`). */
  authenticator: Authenticator | undefined;
  /** Unary calls (health excluded) in progress at once; more get RESOURCE_EXHAUSTED before their message is read. */
  maxConcurrentUnaryCalls: number;
  /** Where refused calls are logged (`call_refused`). */
  log: Logger;
}

/** Counts unary calls in progress (for tests and logs). */
export interface AccessStats {
  unaryCalls: number;
}

/**
 * The one layer in front of every handler, run on the call's metadata before its message is read or decoded:
 * authenticates the bearer token, checks the method's role, admits unary calls under `maxConcurrentUnaryCalls`,
 * and replaces the token in the metadata by the caller's name (which the handlers put in spans and logs).
 * Refusals get the status `toGrpcStatus` gives their error.
 */
export function accessInterceptor(options: AccessOptions, stats: AccessStats): grpc.ServerInterceptor {
  return (descriptor, call) => {
    const rule = accessRule(descriptor.path);
    const method = descriptor.path.split('/').pop() ?? descriptor.path;
    const unary = !descriptor.requestStream && !descriptor.responseStream && rule !== 'open';
    let release: (() => void) | undefined;
    const leave = (): void => {
      release?.();
      release = undefined;
    };
    const admit = (): (() => void) => {
      if (stats.unaryCalls >= options.maxConcurrentUnaryCalls) {
        throw new CapacityError(
          'maxConcurrentUnaryCalls',
          `The server already has ${stats.unaryCalls} calls in progress (limit maxConcurrentUnaryCalls = ${options.maxConcurrentUnaryCalls}); retry later.`,
        );
      }
      stats.unaryCalls += 1;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        stats.unaryCalls -= 1;
      };
    };
    const listener: grpc.ServerListener = {
      onReceiveMetadata: (metadata, next) => {
        let caller = ANONYMOUS;
        try {
          if (rule !== 'open') {
            if (options.authenticator) caller = options.authenticator.authenticate(metadata.get('authorization')[0]?.toString());
            requireRule(caller, rule, `call ${method}`);
            stampCaller(metadata, caller);
          }
          if (unary) release = admit();
        } catch (error) {
          const refused = toGrpcStatus(error);
          options.log.warn('call_refused', { method, code: grpc.status[refused.code], caller: caller === ANONYMOUS ? undefined : caller.name, peer: call.getPeer() });
          call.sendStatus({ code: refused.code, details: refused.details });
          return;
        }
        next(metadata);
      },
      onCancel: leave,
    };
    return new grpc.ServerInterceptingCall(call, {
      start: (next) => next(listener),
      sendStatus: (status, next) => {
        leave();
        next(status);
      },
    });
  };
}

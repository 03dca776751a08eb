import { Duration, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { propError } from '../core/errors';

/**
 * Options of the architecture's CPU step scaling.
 */
export interface CpuStepScalingOptions {
  /**
   * Add one instance when the group's average CPU stays above this for `evaluationPeriod`.
   *
   * @default 70
   */
  readonly scaleOutCpuPercent?: number;

  /**
   * Remove one instance when the group's average CPU stays below this for `evaluationPeriod`.
   *
   * @default 30
   */
  readonly scaleInCpuPercent?: number;

  /**
   * How long the CPU must stay past a threshold before the group scales.
   *
   * @default Duration.minutes(5)
   */
  readonly evaluationPeriod?: Duration;
}

/**
 * Options of CPU target tracking.
 */
export interface CpuTargetTrackingOptions {
  /**
   * The average CPU utilization the group keeps, in percent.
   */
  readonly targetCpuPercent: number;
}

/**
 * How the Auto Scaling fleet follows demand.
 */
export class FleetScaling {
  /**
   * Step scaling on average CPU, as the architecture specifies: one instance more above 70% for
   * 5 minutes, one fewer below 30% for 5 minutes.
   */
  public static cpuSteps(options: CpuStepScalingOptions = {}): FleetScaling {
    return new FleetScaling('cpuSteps', options, undefined);
  }

  /**
   * Target tracking on average CPU: Auto Scaling adds and removes instances to keep the target.
   */
  public static targetCpu(options: CpuTargetTrackingOptions): FleetScaling {
    return new FleetScaling('targetCpu', undefined, options);
  }

  /**
   * No automatic scaling: the group stays at its capacity (it still replaces unhealthy instances).
   */
  public static none(): FleetScaling {
    return new FleetScaling('none', undefined, undefined);
  }

  private constructor(
    private readonly kind: string,
    private readonly steps?: CpuStepScalingOptions,
    private readonly target?: CpuTargetTrackingOptions,
  ) {}

  /**
   * Attaches the scaling policies to the group.
   *
   * @internal
   */
  public _apply(scope: IConstruct, group: autoscaling.AutoScalingGroup, cpu: cloudwatch.Metric): void {
    if (this.kind === 'cpuSteps') {
      const out = this.steps?.scaleOutCpuPercent ?? 70;
      const inn = this.steps?.scaleInCpuPercent ?? 30;
      const period = this.steps?.evaluationPeriod ?? Duration.minutes(5);
      validatePercent(scope, 'scaleOutCpuPercent', out);
      validatePercent(scope, 'scaleInCpuPercent', inn);
      if (!Token.isUnresolved(out) && !Token.isUnresolved(inn) && inn >= out) {
        throw propError(scope, `scaling: FleetScaling.cpuSteps() scaleInCpuPercent (${inn}) must be below ` +
          `scaleOutCpuPercent (${out}), or the group would scale in and out at once.`);
      }
      group.scaleOnMetric('CpuStepScaling', {
        metric: cpu.with({ period, statistic: cloudwatch.Stats.AVERAGE }),
        scalingSteps: [{ upper: inn, change: -1 }, { lower: out, change: +1 }],
        adjustmentType: autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        evaluationPeriods: 1,
        estimatedInstanceWarmup: Duration.minutes(5),
      });
    } else if (this.kind === 'targetCpu') {
      const target = this.target!.targetCpuPercent;
      validatePercent(scope, 'targetCpuPercent', target);
      group.scaleOnCpuUtilization('CpuTargetTracking', { targetUtilizationPercent: target });
    }
  }
}

function validatePercent(scope: IConstruct, name: string, value: number) {
  if (Token.isUnresolved(value)) return;
  if (!(value > 0 && value < 100)) {
    throw propError(scope, `scaling: ${name} is ${value}; a CPU threshold is a percentage between 0 and 100 (exclusive).`);
  }
}

import { Duration } from 'aws-cdk-lib';
import { Archive, EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';
import { buses } from '#catalog/resources.ts';

/** The bus every Rectify event travels on, with an archive so events can be replayed. */
export class RectifyEventBus extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus');
    new Archive(this, 'Archive', {
      sourceEventBus: this.bus,
      eventPattern: { source: [buses.events.source] },
      retention: Duration.days(365),
    });
  }
}

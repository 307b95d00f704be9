export interface Config {
  posture?: {
    schedule?: {
      /**
       * How often the backend collects (posture-backend's `posture.schedule.frequency`; default every
       * 10 minutes). The entity history names it, so a single point can say when a trend may appear.
       * A duration object such as `{ minutes: 2 }`, or a string such as `PT2M` or `2m`. Both tags are
       * needed: `visibility` shows a string, `deepVisibility` the keys of an object.
       * @visibility frontend
       * @deepVisibility frontend
       */
      frequency?:
        | {
            years?: number;
            months?: number;
            weeks?: number;
            days?: number;
            hours?: number;
            minutes?: number;
            seconds?: number;
            milliseconds?: number;
          }
        | string;
    };
  };
}

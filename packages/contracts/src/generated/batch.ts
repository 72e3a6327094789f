import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { FloatVector as _sim2real_v1_FloatVector, FloatVector__Output as _sim2real_v1_FloatVector__Output } from './sim2real/v1/FloatVector.js';
import type { Image as _sim2real_v1_Image, Image__Output as _sim2real_v1_Image__Output } from './sim2real/v1/Image.js';
import type { Label as _sim2real_v1_Label, Label__Output as _sim2real_v1_Label__Output } from './sim2real/v1/Label.js';
import type { LabelledBatch as _sim2real_v1_LabelledBatch, LabelledBatch__Output as _sim2real_v1_LabelledBatch__Output } from './sim2real/v1/LabelledBatch.js';
import type { Sample as _sim2real_v1_Sample, Sample__Output as _sim2real_v1_Sample__Output } from './sim2real/v1/Sample.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  sim2real: {
    v1: {
      Encoding: EnumTypeDefinition
      FloatVector: MessageTypeDefinition<_sim2real_v1_FloatVector, _sim2real_v1_FloatVector__Output>
      Image: MessageTypeDefinition<_sim2real_v1_Image, _sim2real_v1_Image__Output>
      Label: MessageTypeDefinition<_sim2real_v1_Label, _sim2real_v1_Label__Output>
      LabelledBatch: MessageTypeDefinition<_sim2real_v1_LabelledBatch, _sim2real_v1_LabelledBatch__Output>
      Sample: MessageTypeDefinition<_sim2real_v1_Sample, _sim2real_v1_Sample__Output>
    }
  }
}


// gRPC server reflection (v1 and v1alpha) built from protobuf-es descriptors,
// so tools like `buf curl` and grpcurl work without local .proto files.
// Protocol: https://github.com/grpc/grpc/blob/master/doc/server-reflection.md
import { create, toBinary } from '@bufbuild/protobuf';
import type { DescFile, DescService } from '@bufbuild/protobuf';
import { nestedTypes } from '@bufbuild/protobuf/reflect';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { Code, type ConnectRouter } from '@connectrpc/connect';
import * as v1 from '../gen/proto/grpc/reflection/v1/reflection_pb.js';
import * as v1alpha from '../gen/proto/grpc/reflection/v1alpha/reflection_pb.js';

/** The version-independent shape of ServerReflectionResponse.message_response. */
type Answer =
  | { case: 'fileDescriptorResponse'; value: { fileDescriptorProto: Uint8Array[] } }
  | { case: 'allExtensionNumbersResponse'; value: { baseTypeName: string; extensionNumber: number[] } }
  | { case: 'listServicesResponse'; value: { service: { name: string }[] } }
  | { case: 'errorResponse'; value: { errorCode: number; errorMessage: string } };

type Request = v1.ServerReflectionRequest | v1alpha.ServerReflectionRequest;

/**
 * Registers grpc.reflection.v1 and v1alpha ServerReflection on the router,
 * describing the given services (both reflection services are added).
 */
export function registerReflection(router: ConnectRouter, services: DescService[]): void {
  const answer = createReflector([
    ...services,
    v1.ServerReflection,
    v1alpha.ServerReflection,
  ]);
  router.service(v1.ServerReflection, {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield create(v1.ServerReflectionResponseSchema, {
          validHost: req.host,
          originalRequest: req,
          messageResponse: answer(req),
        });
      }
    },
  });
  router.service(v1alpha.ServerReflection, {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        yield create(v1alpha.ServerReflectionResponseSchema, {
          validHost: req.host,
          originalRequest: req,
          messageResponse: answer(req),
        });
      }
    },
  });
}

function createReflector(services: DescService[]): (req: Request) => Answer {
  const serviceNames = [...new Set(services.map((s) => s.typeName))];
  const files = new Map<string, DescFile>(); // by file name, e.g. 'a/b.proto'
  const symbols = new Map<string, DescFile>(); // by fully-qualified name
  const messages = new Set<string>();
  // 'extendee.typeName' -> extension number -> file
  const extensions = new Map<string, Map<number, DescFile>>();

  const addFile = (file: DescFile) => {
    if (files.has(file.proto.name)) return;
    files.set(file.proto.name, file);
    for (const type of nestedTypes(file)) {
      symbols.set(type.typeName, file);
      switch (type.kind) {
        case 'service':
          for (const m of type.methods) symbols.set(`${type.typeName}.${m.name}`, file);
          break;
        case 'message':
          messages.add(type.typeName);
          for (const f of type.fields) symbols.set(`${type.typeName}.${f.name}`, file);
          for (const o of type.oneofs) symbols.set(`${type.typeName}.${o.name}`, file);
          break;
        case 'extension': {
          const byNumber = extensions.get(type.extendee.typeName) ?? new Map<number, DescFile>();
          byNumber.set(type.number, file);
          extensions.set(type.extendee.typeName, byNumber);
          break;
        }
      }
    }
    file.dependencies.forEach(addFile);
  };
  services.forEach((s) => addFile(s.file));

  // The requested file first, then its transitive imports, like grpc-go does.
  const withDependencies = (file: DescFile): Answer => {
    const seen = new Set<DescFile>();
    const visit = (f: DescFile) => {
      if (seen.has(f)) return;
      seen.add(f);
      f.dependencies.forEach(visit);
    };
    visit(file);
    const protos = [...seen].map((f) => toBinary(FileDescriptorProtoSchema, f.proto));
    return { case: 'fileDescriptorResponse', value: { fileDescriptorProto: protos } };
  };
  const error = (code: Code, message: string): Answer => ({
    case: 'errorResponse',
    value: { errorCode: code, errorMessage: message },
  });
  const found = (file: DescFile | undefined, what: string): Answer =>
    file ? withDependencies(file) : error(Code.NotFound, `${what} not found`);

  return (req) => {
    const r = req.messageRequest;
    switch (r.case) {
      case 'listServices':
        return {
          case: 'listServicesResponse',
          value: { service: serviceNames.map((name) => ({ name })) },
        };
      case 'fileByFilename':
        return found(files.get(r.value), `file ${r.value}`);
      case 'fileContainingSymbol':
        return found(symbols.get(r.value), `symbol ${r.value}`);
      case 'fileContainingExtension': {
        const { containingType, extensionNumber } = r.value;
        return found(
          extensions.get(containingType)?.get(extensionNumber),
          `extension ${extensionNumber} of ${containingType}`,
        );
      }
      case 'allExtensionNumbersOfType':
        if (!messages.has(r.value)) return error(Code.NotFound, `message ${r.value} not found`);
        return {
          case: 'allExtensionNumbersResponse',
          value: {
            baseTypeName: r.value,
            extensionNumber: [...(extensions.get(r.value)?.keys() ?? [])],
          },
        };
      default:
        return error(Code.InvalidArgument, 'empty reflection request');
    }
  };
}

using Darkroom.Server;

WebApplication app = DarkroomServer.Build(args);
await app.RunAsync();

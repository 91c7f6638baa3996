import { Module } from '@nestjs/common';
import { ProjectStagingService } from './project-staging.service';
import { ProjectUploadService } from './project-upload.service';
import { ProjectsController } from './projects.controller';

@Module({
  controllers: [ProjectsController],
  providers: [ProjectStagingService, ProjectUploadService],
  exports: [ProjectStagingService],
})
export class ProjectsModule {}

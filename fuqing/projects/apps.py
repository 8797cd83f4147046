from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "fuqing.projects"
    label = "projects"
    verbose_name = "实事项目"

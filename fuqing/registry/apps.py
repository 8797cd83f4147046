from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "fuqing.registry"
    label = "registry"
    verbose_name = "妇女档案"

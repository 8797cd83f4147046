from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "fuqing.fieldwork"
    label = "fieldwork"
    verbose_name = "下基层"

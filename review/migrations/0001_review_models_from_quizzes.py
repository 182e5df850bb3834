"""The review models move here from `quizzes`, in Django's state only.

GradeDecision, GradingPolicy and RegradeRun keep their tables (`db_table` names the old ones),
so an existing database is not touched: `quizzes.0010_review_models_move_to_review` removes them
from the quizzes app's state, this migration adds them to review's, and neither runs SQL on
those tables. Two small renames follow the models so nothing is left pointing at the old
home: their content types (so the Admin group's permissions and the admin's log entries stay
attached) and the task paths of queued or finished grading tasks (`quizzes.tasks.*` is now
`review.tasks.*`, so a task enqueued before the upgrade still runs after it).
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ("gradedecision", "gradingpolicy", "regraderun")
TASKS = ("grade_free_text", "regrade")


def move_content_types(apps, schema_editor, old="quizzes", new="review"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, old="review", new="quizzes")


def move_task_paths(apps, schema_editor, old="quizzes", new="review"):
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    for name in TASKS:
        DBTaskResult.objects.filter(task_path=f"{old}.tasks.{name}").update(
            task_path=f"{new}.tasks.{name}"
        )


def move_task_paths_back(apps, schema_editor):
    move_task_paths(apps, schema_editor, old="review", new="quizzes")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("courses", "0005_concept_full_text_search"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
        ("quizzes", "0009_grading_policy_without_semantic"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='GradeDecision',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('decided_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('before', models.JSONField()),
                        ('after', models.JSONField()),
                        ('comment', models.TextField(blank=True)),
                        ('answer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='decisions', to='quizzes.answer')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'quizzes_gradedecision',
                        'ordering': ['-decided_at'],
                    },
                ),
                migrations.CreateModel(
                    name='RegradeRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('part_id', models.CharField(max_length=100)),
                        ('enqueued_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('graded', models.PositiveIntegerField(default=0)),
                        ('changed', models.PositiveIntegerField(default=0)),
                        ('skipped_human', models.PositiveIntegerField(default=0)),
                        ('changed_answers', models.JSONField(default=list)),
                        ('before', models.JSONField(default=dict)),
                        ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='regrades', to='quizzes.questionversion')),
                    ],
                    options={
                        'db_table': 'quizzes_regraderun',
                        'ordering': ['-enqueued_at'],
                    },
                ),
                migrations.CreateModel(
                    name='GradingPolicy',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('grader', models.CharField(choices=[('keyword', 'Automatic (key ideas, offline)'), ('llm', 'Chat model (OpenAI-compatible endpoint)')], default='keyword', max_length=20)),
                        ('review_threshold', models.FloatField(default=0.6, help_text='Grades less confident than this go to an instructor first (0-1).')),
                        ('course', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='grading_policy', to='courses.course')),
                    ],
                    options={
                        'verbose_name_plural': 'grading policies',
                        'db_table': 'quizzes_gradingpolicy',
                        'constraints': [models.CheckConstraint(condition=models.Q(('review_threshold__gte', 0), ('review_threshold__lte', 1)), name='grading_policy_threshold_range')],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.RunPython(move_task_paths, move_task_paths_back),
    ]

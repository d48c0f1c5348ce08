import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

/** `GET /dashboard/api/traces?route=&status=&minDurationMs=&limit=`. */
export class TraceListQuery {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  route?: string;

  @IsOptional()
  @Matches(/^(ok|error|[1-5]xx|[1-5]\d\d)$/, { message: 'status must be ok, error, a class such as 4xx, or a status such as 201' })
  status?: string;

  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(3_600_000)
  minDurationMs?: number;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}
